#include "models/network/nccl_tests_import.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "models/network/collective_calibration.hpp"
#include "sim/core/error.hpp"

namespace capsim::net {

namespace {

/// Removes mpirun/srun rank tags ("[1,0]<stdout>:", "[0]") wherever they stand; keeps PCI ids like "[0x18]".
std::string strip_rank_tags(std::string_view line) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == '[') {
      std::size_t j = i + 1;
      while (j < line.size() && (std::isdigit(static_cast<unsigned char>(line[j])) || line[j] == ',')) ++j;
      if (j > i + 1 && j < line.size() && line[j] == ']') {
        i = j + 1;
        for (std::string_view tag : {"<stdout>:", "<stderr>:"}) {
          if (line.substr(i, tag.size()) == tag) i += tag.size();
        }
        out.push_back(' ');
        continue;
      }
    }
    out.push_back(line[i++]);
  }
  return out;
}

std::vector<std::string> tokens(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

bool parse_double(const std::string& s, double& v) {
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  return ec == std::errc() && p == end && std::isfinite(v);
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

/// "all_reduce" from ".../all_reduce_perf_mpi" or "all_reduce_perf"; "" if `word` names no collective.
std::string op_from_word(std::string_view word) {
  const auto slash = word.find_last_of('/');
  if (slash != std::string_view::npos) word.remove_prefix(slash + 1);
  const auto perf = word.find("_perf");
  if (perf == std::string_view::npos) return "";
  CollectiveOp op;
  return collective_op_from_string(word.substr(0, perf), op) ? std::string(to_string(op)) : "";
}

std::string op_from_file_name(const std::string& file) {
  std::string base = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
  std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
  base.erase(std::remove_if(base.begin(), base.end(), [](char c) { return c == '_' || c == '-'; }), base.end());
  for (CollectiveOp op : {CollectiveOp::reduce_scatter, CollectiveOp::all_reduce, CollectiveOp::all_gather,
                          CollectiveOp::all_to_all, CollectiveOp::send_recv}) {
    std::string name(to_string(op));
    name.erase(std::remove(name.begin(), name.end(), '_'), name.end());
    if (base.find(name) != std::string::npos) return std::string(to_string(op));
  }
  return "";
}

/// Reads time (us), algbw and busbw (GB/s) from tokens[at..at+2]; "N/A" makes the result invalid.
NcclTestsResult read_result(const std::vector<std::string>& t, std::size_t at, bool& bad) {
  NcclTestsResult r;
  double us = 0, alg = 0, bus = 0;
  if (at + 2 >= t.size() || t[at] == "N/A") return r;
  if (!parse_double(t[at], us) || !parse_double(t[at + 1], alg) || !parse_double(t[at + 2], bus) || us <= 0) {
    bad = true;
    return r;
  }
  r.valid = true;
  r.time_s = us * 1e-6;
  r.algbw_Bps = alg * 1e9;
  r.busbw_Bps = bus * 1e9;
  return r;
}

}  // namespace

NcclTestsLog parse_nccl_tests(std::string_view text, const std::string& file, std::string_view op_hint) {
  NcclTestsLog log;
  log.file = file;
  std::vector<Diagnostic> problems;
  auto problem = [&](int line, std::string message, std::string hint = {}) {
    problems.push_back(Diagnostic{file, line > 0 ? "line " + std::to_string(line) : "", std::move(message),
                                  std::move(hint)});
  };
  std::string declared_op;
  std::set<std::string> hosts;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string line = strip_rank_tags(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto t = tokens(line);
    if (t.empty()) continue;
    if (declared_op.empty()) {
      for (const auto& w : t) {
        if (std::string op = op_from_word(w); !op.empty()) declared_op = op;
      }
    }
    if (t[0][0] == '#') {
      const auto rank = std::find(t.begin(), t.end(), "Rank");
      const auto on = std::find(t.begin(), t.end(), "on");
      if (rank != t.end() && on != t.end() && on + 1 != t.end() && line.find("device") != std::string::npos) {
        ++log.ranks;
        hosts.insert(*(on + 1));
        const auto close = line.find(']', line.find("device"));
        const auto name = close == std::string::npos ? close : line.find_first_not_of(' ', close + 1);
        if (log.device.empty() && name != std::string::npos) log.device = line.substr(name, line.find_last_not_of(' ') + 1 - name);
      }
      if (const auto avg = line.find("Avg bus bandwidth"); avg != std::string::npos) {
        double v = 0;
        if (const auto colon = line.find(':', avg); colon != std::string::npos) {
          const auto rest = tokens(line.substr(colon + 1));
          if (!rest.empty() && parse_double(rest[0], v)) log.avg_busbw_Bps = v * 1e9;
        }
      }
      continue;
    }
    if (!all_digits(t[0])) continue;  // NCCL INFO lines, warnings, commands
    // size count type [redop [root]] then time algbw busbw #wrong, out-of-place and in-place.
    const std::size_t lead = t.size() >= 11 ? t.size() - 8 : t.size() >= 7 ? t.size() - 4 : 0;
    if (lead < 3) {
      problem(line_no, "a result row needs size, count, type, then time, algbw and busbw; found " +
                           std::to_string(t.size()) + " columns");
      continue;
    }
    NcclTestsRow row;
    row.line = line_no;
    bool bad = false;
    double size = 0;
    double count = 0;
    if (!parse_double(t[0], size) || !parse_double(t[1], count)) bad = true;
    row.bytes = size;
    row.count = static_cast<long>(count);
    row.type = t[2];
    if (lead >= 4) row.redop = t[3];
    if (lead >= 5) {
      double root = -1;
      if (parse_double(t[4], root)) row.root = static_cast<int>(root);
    }
    row.out_of_place = read_result(t, lead, bad);
    if (t.size() >= lead + 8) row.in_place = read_result(t, lead + 4, bad);
    if (bad) {
      problem(line_no, "cannot read the numbers of this result row", "time is in us, algbw and busbw in GB/s");
      continue;
    }
    if (!row.out_of_place.valid && !row.in_place.valid) continue;
    log.rows.push_back(std::move(row));
  }
  log.nodes = static_cast<int>(hosts.size());

  log.op = !op_hint.empty() ? std::string(op_hint) : declared_op;
  if (log.op.empty()) log.op = op_from_file_name(file);
  if (!log.op.empty()) {
    CollectiveOp op;
    if (!collective_op_from_string(log.op, op)) {
      problem(0, "unknown collective \"" + log.op + "\"",
              "name one of all_reduce, all_gather, reduce_scatter, all_to_all, send_recv");
    } else {
      log.op = std::string(to_string(op));
    }
  } else {
    problem(0, "the log does not say which collective it measured",
            "keep the \"*_perf\" command line in the log, or name the operation (e.g. all_reduce)");
  }
  if (log.rows.empty()) {
    problem(0, "no nccl-tests result table found",
            "give the output of all_reduce_perf (or another *_perf), with its size/time/algbw/busbw rows");
  }
  if (log.ranks == 0 && !log.rows.empty() && problems.empty()) {
    // No device list: the bus factor busbw/algbw gives the rank count.
    const auto& r = log.rows.back().out_of_place.valid ? log.rows.back().out_of_place : log.rows.back().in_place;
    const double f = r.algbw_Bps > 0 ? r.busbw_Bps / r.algbw_Bps : 0;
    const double n = log.op == "all_reduce" ? 2.0 / (2.0 - f) : 1.0 / (1.0 - f);
    log.ranks = std::isfinite(n) && n >= 1.5 ? static_cast<int>(std::lround(n)) : 2;
    log.nodes = 1;
  }
  if (!problems.empty()) throw InputError(problems);
  return log;
}

NcclTestsLog read_nccl_tests(const std::string& path, std::string_view op_hint) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({Diagnostic{path, "", "cannot open the nccl-tests log", "check the path"}});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_nccl_tests(text.str(), path, op_hint);
}

hw::MeasuredCollective measured_curve(const NcclTestsLog& log) {
  hw::MeasuredCollective m;
  m.op = log.op;
  m.ranks = log.ranks;
  m.nodes = std::max(1, log.nodes);
  m.source = log.file;
  // Sizes may repeat when several processes print; average what was measured at each size.
  std::map<double, std::pair<double, int>> by_size;
  for (const NcclTestsRow& row : log.rows) {
    for (const NcclTestsResult* r : {&row.out_of_place, &row.in_place}) {
      if (!r->valid) continue;
      auto& [sum, n] = by_size[row.bytes];
      sum += r->time_s;
      ++n;
    }
  }
  for (const auto& [bytes, acc] : by_size) {
    if (bytes <= 0) continue;
    m.bytes.push_back(bytes);
    m.time_s.push_back(acc.first / acc.second);
  }
  return m;
}

}  // namespace capsim::net
