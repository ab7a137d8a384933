#include "sim/serving/request_trace.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "sim/core/line_reader.hpp"

namespace capsim::sim::serving {

namespace {

constexpr std::size_t kMaxProblems = 20;  ///< a broken file would otherwise flood the report

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      cells.push_back(trim(line.substr(from, i - from)));
      from = i + 1;
    }
  }
  return cells;
}

std::optional<double> number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

/// Seconds of a timestamp: a number, or "YYYY-MM-DD HH:MM:SS[.fraction]" (a 'T' may separate date and time).
std::optional<double> timestamp(std::string_view s) {
  if (auto v = number(s)) return v;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto field = [&](std::size_t at, std::size_t len) { return number(s.substr(at, len)); };
  const auto y = field(0, 4), mo = field(5, 2), d = field(8, 2), h = field(11, 2), mi = field(14, 2);
  const auto sec = number(s.substr(17));
  if (!y || !mo || !d || !h || !mi || !sec || *mo < 1 || *mo > 12 || *d < 1 || *d > 31) return std::nullopt;
  const long long days =
      days_from_civil(static_cast<long long>(*y), static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  return static_cast<double>(days) * 86400.0 + *h * 3600.0 + *mi * 60.0 + *sec;
}

int find_column(const std::vector<std::string_view>& header, std::initializer_list<const char*> names) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string h = lower(header[i]);
    for (const char* n : names) {
      if (h == n) return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

namespace {

/// One trace, line by line: the header, then one request per row.
class RequestTraceReader {
 public:
  RequestTraceReader(const std::string& trace_name, const std::string& file, const std::string& pointer,
                     std::vector<Diagnostic>& problems)
      : trace_(trace_name), file_(file), pointer_(pointer), problems_(problems), before_(problems.size()) {}

  /// One line without its end; false when reading must stop.
  bool line(std::string_view raw) {
    ++line_no_;
    const std::string_view text = trim(raw);
    if (text.empty() || text.front() == '#') return true;
    const auto cells = split(text);
    if (!have_header_) {
      have_header_ = true;
      col_ = {find_column(cells, {"arrival_s", "timestamp"}), find_column(cells, {"input_tokens", "contexttokens"}),
              find_column(cells, {"output_tokens", "generatedtokens"})};
      if (std::find(col_.begin(), col_.end(), -1) != col_.end()) {
        report("the header must name an arrival, an input and an output column",
               "use \"arrival_s,input_tokens,output_tokens\" (or the Azure trace's "
               "\"TIMESTAMP,ContextTokens,GeneratedTokens\")");
        failed_ = true;
        return false;
      }
      return true;
    }
    if (rows_.size() >= kMaxTraceRequests) {
      report("the trace has more than " + std::to_string(kMaxTraceRequests) + " requests, the most a serving run holds",
             "cut the trace to a window of time, or sample it");
      return false;
    }
    const int need = *std::max_element(col_.begin(), col_.end());
    if (static_cast<int>(cells.size()) <= need) {
      report("expected at least " + std::to_string(need + 1) + " columns, found " + std::to_string(cells.size()),
             "give every row an arrival, an input and an output value");
      return true;
    }
    const auto at = timestamp(cells[static_cast<std::size_t>(col_[0])]);
    const auto in = number(cells[static_cast<std::size_t>(col_[1])]);
    const auto out = number(cells[static_cast<std::size_t>(col_[2])]);
    if (!at) {
      report("the arrival is not a time", "write seconds (e.g. 12.5) or \"2023-11-16 18:15:46.68\"");
    } else if (!in || *in < 1 || *in > 1e8 || *in != std::floor(*in)) {
      report("the input tokens are not a whole number from 1 to 1e8", "");
    } else if (!out || *out < 0 || *out > 1e8 || *out != std::floor(*out)) {
      report("the output tokens are not a whole number from 0 to 1e8", "");
    } else {
      rows_.push_back({*at, static_cast<int>(*in), std::max(1, static_cast<int>(*out))});
    }
    return true;
  }

  /// A line too long to be a trace row.
  void overlong() {
    ++line_no_;
    report("the line is longer than " + std::to_string(kMaxTraceLineBytes) + " bytes; it is skipped",
           "is this a CSV file?");
  }

  std::vector<workloads::TraceRequest> finish() {
    if (failed_) return {};
    if (rows_.empty() && problems_.size() == before_) {
      problems_.push_back({file_, pointer_, trace_ + " has no requests", "add rows after the header line"});
    }
    std::stable_sort(rows_.begin(), rows_.end(),
                     [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
    const double first = rows_.empty() ? 0 : rows_.front().arrival_s;
    for (auto& r : rows_) r.arrival_s -= first;
    return std::move(rows_);
  }

 private:
  void report(const std::string& message, const std::string& hint) {
    if (problems_.size() - before_ < kMaxProblems) {
      problems_.push_back({file_, pointer_, trace_ + " line " + std::to_string(line_no_) + ": " + message, hint});
    }
  }

  const std::string& trace_;
  const std::string& file_;
  const std::string& pointer_;
  std::vector<Diagnostic>& problems_;
  std::size_t before_;
  std::array<int, 3> col_ = {-1, -1, -1};
  bool have_header_ = false;
  bool failed_ = false;
  std::size_t line_no_ = 0;
  std::vector<workloads::TraceRequest> rows_;
};

}  // namespace

std::vector<workloads::TraceRequest> parse_request_trace(std::string_view text, const std::string& trace_name,
                                                         const std::string& file, const std::string& pointer,
                                                         std::vector<Diagnostic>& problems) {
  RequestTraceReader reader(trace_name, file, pointer, problems);
  for (std::size_t from = 0; from <= text.size();) {
    std::size_t to = text.find('\n', from);
    if (to == std::string_view::npos) to = text.size();
    const std::string_view line = text.substr(from, to - from);
    from = to + 1;
    if (!reader.line(line)) break;
  }
  return reader.finish();
}

std::vector<workloads::TraceRequest> read_request_trace(std::istream& in, const std::string& trace_name,
                                                        const std::string& file, const std::string& pointer,
                                                        std::vector<Diagnostic>& problems) {
  RequestTraceReader reader(trace_name, file, pointer, problems);
  for_each_line(
      in, kMaxTraceLineBytes, [&](std::string_view line) { return reader.line(line); },
      [&] { reader.overlong(); });
  return reader.finish();
}

}  // namespace capsim::sim::serving
