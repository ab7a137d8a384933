#include "sim/core/line_reader.hpp"

#include <string>
#include <vector>

namespace capsim {

void for_each_line(std::istream& in, std::size_t max_line, const std::function<bool(std::string_view)>& line,
                   const std::function<void()>& overlong) {
  std::vector<char> buffer(std::size_t{1} << 20);
  std::string carry;  // the start of a line that continues in the next piece
  bool first = true, skip_lf = false, too_long = false;
  // One complete line: `piece` after what `carry` holds.
  auto emit = [&](std::string_view piece) {
    if (too_long) {
      too_long = false;
      carry.clear();
      overlong();
      return true;
    }
    if (carry.empty()) return line(piece);
    carry.append(piece);
    const bool go_on = line(carry);
    carry.clear();
    return go_on;
  };
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    std::string_view chunk(buffer.data(), n);
    if (first) {
      first = false;
      if (chunk.substr(0, 3) == "\xEF\xBB\xBF") chunk.remove_prefix(3);
    }
    std::size_t from = skip_lf && !chunk.empty() && chunk[0] == '\n' ? 1 : 0;
    skip_lf = false;
    while (from < chunk.size()) {
      const std::size_t to = chunk.find_first_of("\r\n", from);
      const std::string_view piece = chunk.substr(from, to == std::string_view::npos ? std::string_view::npos : to - from);
      if (!too_long && carry.size() + piece.size() > max_line) {
        too_long = true;
        carry.clear();
      }
      if (to == std::string_view::npos) {
        if (!too_long) carry.append(piece);
        break;
      }
      if (!emit(piece)) return;
      std::size_t next = to + 1;
      if (chunk[to] == '\r') {
        if (next < chunk.size() && chunk[next] == '\n') {
          ++next;
        } else if (next == chunk.size()) {
          skip_lf = true;  // a "\r\n" split between two pieces
        }
      }
      from = next;
    }
  }
  if (too_long || !carry.empty()) emit({});
}

}  // namespace capsim
