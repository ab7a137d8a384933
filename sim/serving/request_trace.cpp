#include "sim/serving/request_trace.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

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

std::vector<workloads::TraceRequest> parse_request_trace(std::string_view text, const std::string& trace_name,
                                                         const std::string& file, const std::string& pointer,
                                                         std::vector<Diagnostic>& problems) {
  std::vector<workloads::TraceRequest> rows;
  const std::size_t problems_before = problems.size();
  auto report = [&](std::size_t line, const std::string& message, const std::string& hint) {
    if (problems.size() - problems_before < kMaxProblems) {
      problems.push_back({file, pointer, trace_name + " line " + std::to_string(line) + ": " + message, hint});
    }
  };
  std::array<int, 3> col = {-1, -1, -1};
  bool have_header = false;
  std::size_t line_no = 0;
  for (std::size_t from = 0; from <= text.size();) {
    std::size_t to = text.find('\n', from);
    if (to == std::string_view::npos) to = text.size();
    const std::string_view line = trim(text.substr(from, to - from));
    from = to + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const auto cells = split(line);
    if (!have_header) {
      have_header = true;
      col = {find_column(cells, {"arrival_s", "timestamp"}), find_column(cells, {"input_tokens", "contexttokens"}),
             find_column(cells, {"output_tokens", "generatedtokens"})};
      if (std::find(col.begin(), col.end(), -1) != col.end()) {
        report(line_no, "the header must name an arrival, an input and an output column",
               "use \"arrival_s,input_tokens,output_tokens\" (or the Azure trace's "
               "\"TIMESTAMP,ContextTokens,GeneratedTokens\")");
        return {};
      }
      continue;
    }
    const int need = *std::max_element(col.begin(), col.end());
    if (static_cast<int>(cells.size()) <= need) {
      report(line_no,
             "expected at least " + std::to_string(need + 1) + " columns, found " + std::to_string(cells.size()),
             "give every row an arrival, an input and an output value");
      continue;
    }
    const auto at = timestamp(cells[static_cast<std::size_t>(col[0])]);
    const auto in = number(cells[static_cast<std::size_t>(col[1])]);
    const auto out = number(cells[static_cast<std::size_t>(col[2])]);
    if (!at) {
      report(line_no, "the arrival is not a time", "write seconds (e.g. 12.5) or \"2023-11-16 18:15:46.68\"");
    } else if (!in || *in < 1 || *in > 1e8 || *in != std::floor(*in)) {
      report(line_no, "the input tokens are not a whole number from 1 to 1e8", "");
    } else if (!out || *out < 0 || *out > 1e8 || *out != std::floor(*out)) {
      report(line_no, "the output tokens are not a whole number from 0 to 1e8", "");
    } else {
      rows.push_back({*at, static_cast<int>(*in), std::max(1, static_cast<int>(*out))});
    }
  }
  if (rows.empty() && problems.size() == problems_before) {
    problems.push_back({file, pointer, trace_name + " has no requests", "add rows after the header line"});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  const double first = rows.empty() ? 0 : rows.front().arrival_s;
  for (auto& r : rows) r.arrival_s -= first;
  return rows;
}

}  // namespace capsim::sim::serving
