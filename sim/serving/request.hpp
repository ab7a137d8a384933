#pragma once
/// @file request.hpp
/// One request as the serving simulation tracks it, and the KV-cache block pool of a replica.

#include <algorithm>
#include <cstdint>

namespace capsim::sim::serving {

/// A request and its progress. Times are seconds since the start of the run; -1 = not yet.
struct Request {
  std::int64_t id = 0;
  double arrival_s = 0;
  int input_tokens = 0;
  int output_tokens = 0;
  int user = -1;  ///< closed loop: the user who sent it

  int computed = 0;         ///< tokens whose KV is in this replica's cache (prompt and output processed so far)
  int generated = 0;        ///< output tokens emitted
  std::int64_t blocks = 0;  ///< KV-cache blocks held
  int replica = -1;
  int lane = -1;  ///< pipeline micro-batch lane while running
  int preemptions = 0;

  double first_scheduled_s = -1;
  double first_token_s = -1;
  double finish_s = -1;

  /// Tokens known so far: the prompt and the output emitted (a preempted request recomputes all of them).
  int known() const { return input_tokens + generated; }
  /// Tokens still to process before the next token can be sampled.
  int to_compute() const { return known() - computed; }
  bool finished() const { return generated >= output_tokens; }
  /// Work left, tokens: prompt still to prefill plus output still to generate (the router's measure).
  int outstanding_tokens() const { return std::max(0, input_tokens - computed) + (output_tokens - generated); }
};

/// Paged KV cache of one replica: a count of fixed-size blocks (vLLM's BlockPool, without the block table).
class KvBlockPool {
 public:
  KvBlockPool(std::int64_t blocks, int block_tokens) : total_(blocks), block_tokens_(std::max(1, block_tokens)) {}

  /// Blocks that hold `tokens` tokens.
  std::int64_t blocks_for(std::int64_t tokens) const { return (tokens + block_tokens_ - 1) / block_tokens_; }
  std::int64_t free() const { return total_ - used_; }
  std::int64_t used() const { return used_; }
  std::int64_t total() const { return total_; }
  int block_tokens() const { return block_tokens_; }
  /// Takes `n` blocks if that many are free.
  bool allocate(std::int64_t n) {
    if (n > free()) return false;
    used_ += std::max<std::int64_t>(0, n);
    return true;
  }
  void release(std::int64_t n) { used_ = std::max<std::int64_t>(0, used_ - n); }

 private:
  std::int64_t total_;
  std::int64_t used_ = 0;
  int block_tokens_;
};

}  // namespace capsim::sim::serving
