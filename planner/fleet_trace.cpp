#include "planner/fleet_trace.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <istream>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <tuple>

#include "planner/json_reader.hpp"
#include "sim/core/line_reader.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner {

namespace {

constexpr std::size_t kMaxProblems = 20;  ///< a broken file would otherwise flood the report
constexpr std::size_t kMaxNameLength = 200;

/// What a column means to the reader; `ignored` columns are allowed and skipped.
// clang-format off
enum class Field : std::uint8_t {
  ignored, submit, team, gpus, duration, model, tokens, tp, pp, cp, ep, micro_batch, global_batch, priority, deadline,
  estimate, kind, gpu_type, state, count_
};
// clang-format on
constexpr std::size_t kFields = static_cast<std::size_t>(Field::count_);

struct ColumnName {
  std::string_view name;
  Field field;
};

// clang-format off
constexpr std::array kCapsimColumns = {
    ColumnName{"submit_time_s", Field::submit}, ColumnName{"team", Field::team}, ColumnName{"gpus", Field::gpus},
    ColumnName{"duration_s", Field::duration}, ColumnName{"model", Field::model}, ColumnName{"tokens", Field::tokens},
    ColumnName{"tp", Field::tp}, ColumnName{"pp", Field::pp}, ColumnName{"cp", Field::cp}, ColumnName{"ep", Field::ep},
    ColumnName{"micro_batch", Field::micro_batch}, ColumnName{"global_batch", Field::global_batch},
    ColumnName{"priority", Field::priority}, ColumnName{"deadline_s", Field::deadline},
    ColumnName{"estimate_s", Field::estimate}, ColumnName{"kind", Field::kind}, ColumnName{"gpu_type", Field::gpu_type},
    ColumnName{"job_id", Field::ignored}, ColumnName{"name", Field::ignored},
};
// HeliosData cluster_log.csv; the other columns (job_id, user, cpu_num, start_time, ...) are ignored.
constexpr std::array kHeliosColumns = {
    ColumnName{"vc", Field::team}, ColumnName{"gpu_num", Field::gpus}, ColumnName{"submit_time", Field::submit},
    ColumnName{"duration", Field::duration}, ColumnName{"state", Field::state},
};
// Alibaba clusterdata cluster-trace-gpu-v2020 simulator input; user_dur is the predicted run time.
constexpr std::array kPaiColumns = {
    ColumnName{"user", Field::team}, ColumnName{"num_gpu", Field::gpus}, ColumnName{"submit_time", Field::submit},
    ColumnName{"duration", Field::duration}, ColumnName{"gpu_type", Field::gpu_type},
    ColumnName{"user_dur", Field::estimate},
};
// clang-format on

bool equals_lower(std::string_view cell, std::string_view lower_name) {
  if (cell.size() != lower_name.size()) return false;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    const char c = cell[i] >= 'A' && cell[i] <= 'Z' ? static_cast<char>(cell[i] - 'A' + 'a') : cell[i];
    if (c != lower_name[i]) return false;
  }
  return true;
}

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string shown(std::string_view cell) {
  constexpr std::size_t max_len = 40;
  std::string out = "\"";
  out += printable_ascii(cell.substr(0, max_len));
  out += cell.size() > max_len ? "...\"" : "\"";
  return out;
}

std::optional<double> plain_number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int> digits(std::string_view s) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || s.front() == '-') return std::nullopt;
  return v;
}

/// Seconds since 1970 of "YYYY-MM-DD HH:MM:SS" (a 'T' may separate date and time), or plain seconds.
std::optional<double> seconds_or_datetime(std::string_view s) {
  if (auto v = plain_number(s)) return v;
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const auto y = digits(s.substr(0, 4)), mo = digits(s.substr(5, 2)), d = digits(s.substr(8, 2));
  const auto h = digits(s.substr(11, 2)), mi = digits(s.substr(14, 2)), sec = digits(s.substr(17, 2));
  if (!y || !mo || !d || !h || !mi || !sec || *y < 1970 || *mo < 1 || *mo > 12 || *h > 23 || *mi > 59 || *sec > 60) {
    return std::nullopt;
  }
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  static constexpr std::array<int, 12> month_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*d < 1 || *d > month_days[static_cast<std::size_t>(*mo - 1)] + (leap && *mo == 2 ? 1 : 0)) return std::nullopt;
  long long days = 0;
  for (int year = 1970; year < *y; ++year) days += (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365;
  for (int m = 1; m < *mo; ++m) days += month_days[static_cast<std::size_t>(m - 1)] + (leap && m == 2 ? 1 : 0);
  days += *d - 1;
  return static_cast<double>(days) * 86400.0 + *h * 3600.0 + *mi * 60.0 + *sec;
}

/// Splits one line into cells (trimmed, simple quotes removed). Returns the index of a cell whose quotes are
/// broken, or -1.
int split_cells(std::string_view line, std::vector<std::string_view>& cells) {
  cells.clear();
  int broken = -1;
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t from = i, to = i;
    if (i < line.size() && line[i] == '"') {
      const std::size_t close = line.find('"', i + 1);
      if (close == std::string_view::npos) {
        if (broken < 0) broken = static_cast<int>(cells.size());
        cells.push_back(line.substr(i + 1));
        return broken;
      }
      from = i + 1;
      to = close;
      i = close + 1;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i < line.size() && line[i] != ',' && broken < 0) broken = static_cast<int>(cells.size());
      while (i < line.size() && line[i] != ',') ++i;
    } else {
      while (i < line.size() && line[i] != ',') ++i;
      to = i;
      while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) --to;
    }
    cells.push_back(line.substr(from, to - from));
    if (i >= line.size()) return broken;
    ++i;  // the comma
  }
}

/// "1,000,000".
std::string with_commas(std::int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// "1 row", "1,000,000 rows".
std::string count_of(std::int64_t n, std::string_view noun) {
  return with_commas(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

/// One pass over a trace: header, then rows into a TraceJobs.
class TraceReader {
 public:
  TraceReader(TraceFormat format, const std::string& trace_name, const std::string& file, const std::string& pointer,
              std::vector<Diagnostic>& problems)
      : format_(format), trace_(trace_name), file_(file), pointer_(pointer), problems_(problems) {}

  TraceJobs run(std::string_view text);
  TraceJobs run(std::istream& in);

 private:
  using ShapeKey = std::tuple<std::string, int, int, int, int, int, int>;

  /// Records "<trace> line L<where>: message"; `where` is "" or ", column C (name)".
  void problem(std::size_t line, const std::string& message, std::string hint = {}, const std::string& where = {}) {
    if (++problem_count_ <= kMaxProblems) {
      problems_.push_back(
          {file_, pointer_, trace_ + " line " + std::to_string(line) + where + ": " + message, std::move(hint)});
    }
  }
  void cell_problem(std::size_t column, const std::string& message, std::string hint = {}) {
    const std::string name = column < header_.size() ? " (" + header_[column] + ")" : "";
    problem(line_, message, std::move(hint), ", column " + std::to_string(column + 1) + name);
    row_ok_ = false;
  }
  /// One line of the trace (no line end); false when reading must stop.
  bool line(std::string_view line);
  /// Problems about the whole trace, then the jobs sorted.
  TraceJobs end();
  bool read_header(const std::vector<std::string_view>& cells);
  void read_row(const std::vector<std::string_view>& cells);
  void read_capsim_extras(fleet::FleetJob& job);
  /// The tokens and training shape of a model row.
  void read_model(fleet::FleetJob& job);
  std::string_view cell(Field f) const {
    const int at = at_[static_cast<std::size_t>(f)];
    return at < 0 ? std::string_view{} : (*cells_)[static_cast<std::size_t>(at)];
  }
  std::size_t column(Field f) const { return static_cast<std::size_t>(at_[static_cast<std::size_t>(f)]); }
  /// The number in column `f` within [lo, hi] ((lo, hi] when `lo_open`), whole when `whole`; reports otherwise.
  std::optional<double> number(Field f, double lo, double hi, bool lo_open, bool whole);
  std::optional<std::string_view> name(Field f, bool required);
  std::uint32_t team_index(std::string_view team);
  void finish(TraceJobs& out);

  TraceFormat format_;
  const std::string& trace_;
  const std::string& file_;
  const std::string& pointer_;
  std::vector<Diagnostic>& problems_;
  std::size_t problem_count_ = 0;

  std::vector<std::string> header_;  ///< column names, lower case, printable
  std::array<int, kFields> at_{};    ///< column of each field, -1 if absent
  const std::vector<std::string_view>* cells_ = nullptr;
  std::size_t line_ = 0;
  bool row_ok_ = true;
  bool have_header_ = false;
  std::int64_t rows_ = 0;
  std::vector<std::string_view> cells_buffer_;

  TraceJobs out_;
  std::map<std::string, std::uint32_t, std::less<>> teams_;
  std::map<ShapeKey, std::uint32_t> shapes_;
  std::int64_t zero_gpu_ = 0, no_duration_ = 0, failed_state_ = 0, fractional_gpus_ = 0;
};

bool TraceReader::read_header(const std::vector<std::string_view>& cells) {
  at_.fill(-1);
  const std::span<const ColumnName> known = format_ == TraceFormat::capsim ? std::span<const ColumnName>(kCapsimColumns)
                                            : format_ == TraceFormat::helios
                                                ? std::span<const ColumnName>(kHeliosColumns)
                                                : std::span<const ColumnName>(kPaiColumns);
  std::vector<std::string> names;
  for (const auto& k : known) names.emplace_back(k.name);
  for (std::size_t c = 0; c < cells.size(); ++c) {
    std::string lower = printable_ascii(cells[c].substr(0, kMaxNameLength));
    for (char& ch : lower) ch = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
    header_.push_back(lower);
    const auto hit = std::find_if(known.begin(), known.end(), [&](const ColumnName& k) { return k.name == lower; });
    if (hit == known.end()) {
      // Helios and PAI files carry many columns the fleet does not need; only CapSim's own format is strict.
      if (format_ == TraceFormat::capsim) {
        const std::string guess = closest_match(lower, names);
        cell_problem(
            c, "unknown column " + shown(cells[c]),
            guess.empty() ? "the columns are " + join_alternatives(names, " and ") : "did you mean \"" + guess + "\"?");
      }
    } else if (hit->field != Field::ignored) {
      int& slot = at_[static_cast<std::size_t>(hit->field)];
      if (slot >= 0) cell_problem(c, "the column appears twice", "keep one");
      slot = static_cast<int>(c);
    }
  }
  std::vector<std::string> missing;
  for (const auto& k : known) {
    const bool optional = k.field == Field::ignored || k.field == Field::state || k.field == Field::gpu_type ||
                          k.field == Field::estimate ||
                          (format_ == TraceFormat::capsim && k.field != Field::submit && k.field != Field::team &&
                           k.field != Field::gpus);
    if (!optional && at_[static_cast<std::size_t>(k.field)] < 0) missing.push_back("\"" + std::string(k.name) + "\"");
  }
  if (format_ == TraceFormat::capsim && at_[static_cast<std::size_t>(Field::duration)] < 0 &&
      (at_[static_cast<std::size_t>(Field::model)] < 0 || at_[static_cast<std::size_t>(Field::tokens)] < 0)) {
    missing.push_back("\"duration_s\" (or \"model\" and \"tokens\")");
  }
  if (!missing.empty()) {
    problem(line_, "the header has no " + join_alternatives(missing, " and ") + " column",
            format_ == TraceFormat::capsim ? "start with a line such as \"submit_time_s,team,gpus,duration_s\""
                                           : "is this a " + trace_format_names()[static_cast<std::size_t>(format_)] +
                                                 " trace? its first line must name the columns");
    return false;
  }
  return true;
}

std::optional<double> TraceReader::number(Field f, double lo, double hi, bool lo_open, bool whole) {
  const std::string_view s = cell(f);
  const bool datetime = f == Field::submit && format_ != TraceFormat::capsim;
  std::optional<double> v = datetime ? seconds_or_datetime(s) : plain_number(s);
  if (!v && f == Field::tokens) v = units::parse(s, units::Dimension::count);
  if (v && (*v < lo || (lo_open && *v == lo) || *v > hi || (whole && *v != std::floor(*v)))) v.reset();
  if (!v) {
    const auto bound = [](double x) {
      return std::abs(x) < 1e11 ? with_commas(static_cast<std::int64_t>(x)) : units::format_count(x);
    };
    const std::string range = (lo_open ? "above " : "from ") + bound(lo) + (lo_open ? " up to " : " to ") + bound(hi);
    cell_problem(column(f), "found " + shown(s) + ", expected " +
                                (datetime ? "seconds " + range + " or a \"YYYY-MM-DD HH:MM:SS\" time"
                                          : (whole ? "a whole number " : "a number ") + range));
  }
  return v;
}

std::optional<std::string_view> TraceReader::name(Field f, bool required) {
  const std::string_view s = cell(f);
  if (s.empty() && !required) return s;
  if (s.empty() || s.size() > kMaxNameLength || !printable(s)) {
    cell_problem(column(f), s.empty() ? "is empty" : "found " + shown(s) + ", expected a name",
                 "use at most 200 printable ASCII characters");
    return std::nullopt;
  }
  return s;
}

std::uint32_t TraceReader::team_index(std::string_view team) {
  const auto it = teams_.find(team);
  if (it != teams_.end()) return it->second;
  const auto index = static_cast<std::uint32_t>(out_.team_names.size());
  out_.team_names.emplace_back(team);
  teams_.emplace(std::string(team), index);
  return index;
}

void TraceReader::read_capsim_extras(fleet::FleetJob& job) {
  if (!cell(Field::priority).empty()) {
    if (auto p = number(Field::priority, -1e6, 1e6, false, true)) job.priority = static_cast<std::int32_t>(*p);
  }
  if (!cell(Field::deadline).empty()) {
    if (auto d = number(Field::deadline, 0, 2e10, true, false)) {
      if (row_ok_ && *d <= job.submit_s)
        cell_problem(column(Field::deadline), "the deadline is not after the submit time");
      job.deadline_s = *d;
    }
  }
  const std::string_view kind = cell(Field::kind);
  job.kind = cell(Field::model).empty() ? fleet::JobKind::other : fleet::JobKind::training;
  if (kind.empty()) return;
  using K = fleet::JobKind;
  static constexpr std::array<std::pair<std::string_view, K>, 7> kinds = {{{"training", K::training},
                                                                           {"fine-tuning", K::fine_tuning},
                                                                           {"fine_tuning", K::fine_tuning},
                                                                           {"finetune", K::fine_tuning},
                                                                           {"evaluation", K::evaluation},
                                                                           {"eval", K::evaluation},
                                                                           {"other", K::other}}};
  for (const auto& [k, value] : kinds) {
    if (equals_lower(kind, k)) {
      job.kind = value;
      return;
    }
  }
  const std::vector<std::string> names = {"training", "fine-tuning", "evaluation", "other"};
  const std::string guess = closest_match(printable_ascii(kind), names);
  cell_problem(column(Field::kind), "unknown job kind " + shown(kind),
               guess.empty() ? "use " + join_alternatives(names) : "did you mean \"" + guess + "\"?");
}

void TraceReader::read_model(fleet::FleetJob& job) {
  const auto model = name(Field::model, true);
  job.tokens = number(Field::tokens, 0, 1e16, true, false).value_or(0);
  std::array<int, 6> p = {1, 1, 1, 1, 1, 0};
  const std::array<Field, 6> fields = {Field::tp, Field::pp,          Field::cp,
                                       Field::ep, Field::micro_batch, Field::global_batch};
  const std::array<double, 6> max = {1024, 1024, 1024, 1024, 1e6, 1e9};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (cell(fields[i]).empty()) continue;
    if (auto v = number(fields[i], 1, max[i], false, true)) p[i] = static_cast<int>(*v);
  }
  const long long per_replica = static_cast<long long>(p[0]) * p[1] * p[2];
  if (row_ok_ && job.gpus % per_replica != 0) {
    cell_problem(column(Field::gpus),
                 std::to_string(job.gpus) + " GPUs is not a multiple of tp x pp x cp = " + std::to_string(p[0]) +
                     " x " + std::to_string(p[1]) + " x " + std::to_string(p[2]) + " = " + std::to_string(per_replica),
                 "use a multiple of " + std::to_string(per_replica) + " GPUs or a smaller model parallelism");
  }
  if (row_ok_ && model) {
    ShapeKey key{std::string(*model), p[0], p[1], p[2], p[3], p[4], p[5]};
    auto [it, added] = shapes_.try_emplace(std::move(key), static_cast<std::uint32_t>(out_.shapes.size() + 1));
    if (added) out_.shapes.push_back({std::string(*model), p[0], p[1], p[2], p[3], p[4], p[5], line_});
    job.shape = it->second;
  }
}

void TraceReader::read_row(const std::vector<std::string_view>& cells) {
  cells_ = &cells;
  row_ok_ = true;
  if (cells.size() != header_.size()) {
    const std::size_t at = std::min(cells.size(), header_.size());
    cell_problem(at,
                 "the row has " + std::to_string(cells.size()) + " cells, the header names " +
                     std::to_string(header_.size()) + " columns",
                 "give every row one cell per column (an empty cell is two commas)");
    return;
  }
  if (format_ != TraceFormat::capsim) {
    // Rows the cluster logs hold that are not GPU jobs the fleet can replay: CPU-only jobs, jobs that never ran.
    const auto gpus = plain_number(cell(Field::gpus)), duration = plain_number(cell(Field::duration));
    if ((gpus && *gpus == 0) || (duration && *duration <= 0)) {
      ++(gpus && *gpus == 0 ? zero_gpu_ : no_duration_);
      ++out_.rows_skipped;
      return;
    }
  }
  fleet::FleetJob job;
  const auto team = name(Field::team, true);
  const auto submit = number(Field::submit, 0, 1e10, false, false);
  job.submit_s = submit.value_or(0);
  std::string_view gpu_type;
  if (format_ != TraceFormat::helios) gpu_type = name(Field::gpu_type, false).value_or("");

  // PAI requests fractions of a GPU; the fleet engine does not share GPUs, so they round up.
  const auto gpus_raw = plain_number(cell(Field::gpus));
  const bool fractional = format_ == TraceFormat::pai && gpus_raw && *gpus_raw > 0 && *gpus_raw <= 1e6 &&
                          *gpus_raw != std::floor(*gpus_raw);
  if (fractional) {
    job.gpus = static_cast<std::int32_t>(std::ceil(*gpus_raw));
  } else if (auto g = number(Field::gpus, 1, 1e6, false, true)) {
    job.gpus = static_cast<std::int32_t>(*g);
  }

  if (format_ == TraceFormat::capsim) {
    const bool has_duration = !cell(Field::duration).empty();
    const bool has_model = !cell(Field::model).empty() || !cell(Field::tokens).empty();
    if (has_duration && has_model) {
      cell_problem(column(Field::duration), "give duration_s or model+tokens, not both",
                   "leave duration_s empty to compute the duration from the model");
    } else if (has_duration) {
      job.duration_s = number(Field::duration, 0, 1e9, true, false).value_or(0);
      for (Field f : {Field::tp, Field::pp, Field::cp, Field::ep, Field::micro_batch, Field::global_batch}) {
        if (!cell(f).empty()) cell_problem(column(f), "applies to model rows only", "leave it empty on duration rows");
      }
    } else if (cell(Field::model).empty() || cell(Field::tokens).empty()) {
      const Field f = at_[static_cast<std::size_t>(Field::duration)] >= 0 ? Field::duration : Field::model;
      cell_problem(column(f), "the row has neither duration_s nor model and tokens",
                   "give duration_s, or model and tokens");
    } else {
      read_model(job);
    }
    read_capsim_extras(job);
  } else {
    job.duration_s = number(Field::duration, 0, 1e9, true, false).value_or(0);
    if (format_ == TraceFormat::pai) {
      const std::string_view est = cell(Field::estimate);
      if (!est.empty() && !equals_lower(est, "nan")) {
        const auto e = plain_number(est);
        if (!e || *e > 1e9)
          cell_problem(column(Field::estimate), "found " + shown(est) + ", expected seconds");
        else if (*e > 0)
          job.estimate_s = *e;
      }
    }
  }
  if (format_ == TraceFormat::capsim && !cell(Field::estimate).empty()) {
    job.estimate_s = number(Field::estimate, 0, 1e9, true, false).value_or(0);
  }
  if (!row_ok_ || !team) return;
  fractional_gpus_ += fractional;
  if (format_ == TraceFormat::helios) {
    const std::string_view state = cell(Field::state);
    for (std::string_view s : {"failed", "cancelled", "timeout", "node_fail"}) failed_state_ += equals_lower(state, s);
  }
  job.team = team_index(*team);
  out_.jobs.push_back(job);
  out_.lines.push_back(line_);
  out_.gpu_types.emplace_back(gpu_type);
}

void TraceReader::finish(TraceJobs& out) {
  auto note = [&](std::string_view verb, std::int64_t n, std::string_view noun, std::string_view rest) {
    if (n > 0) out.notes.push_back(std::string(verb) + " " + count_of(n, noun) + std::string(rest));
  };
  note("Skipped", zero_gpu_, "row", " that asked for 0 GPUs (CPU-only jobs).");
  note("Skipped", no_duration_, "row", " with a duration of 0 s or less (jobs that never ran).");
  note("Kept", failed_state_, "job",
       " that ended FAILED, CANCELLED, TIMEOUT or NODE_FAIL in the trace; they run for their recorded duration.");
  note("Rounded up", fractional_gpus_, "fractional GPU request",
       " to whole GPUs, because the fleet engine does not share GPUs.");
  // Stable sort by submit time through a permutation, so jobs, lines and GPU types stay parallel.
  std::vector<std::size_t> order(out.jobs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return out.jobs[a].submit_s < out.jobs[b].submit_s; });
  const double first = order.empty() ? 0 : out.jobs[order.front()].submit_s;
  TraceJobs sorted;
  sorted.jobs.reserve(order.size());
  sorted.lines.reserve(order.size());
  sorted.gpu_types.reserve(order.size());
  for (std::size_t i : order) {
    fleet::FleetJob job = out.jobs[i];
    job.submit_s -= first;
    if (job.deadline_s > 0) job.deadline_s -= first;
    sorted.jobs.push_back(job);
    sorted.lines.push_back(out.lines[i]);
    sorted.gpu_types.push_back(std::move(out.gpu_types[i]));
  }
  out.jobs = std::move(sorted.jobs);
  out.lines = std::move(sorted.lines);
  out.gpu_types = std::move(sorted.gpu_types);
}

bool TraceReader::line(std::string_view line) {
  ++line_;
  const std::size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos || line[first] == '#') return true;
  const int broken = split_cells(line, cells_buffer_);
  cells_ = &cells_buffer_;
  if (!have_header_) {
    have_header_ = true;
    return read_header(cells_buffer_);
  }
  if (++rows_ > kMaxTraceRows) {
    problem(line_, "the trace has more than " + with_commas(kMaxTraceRows) + " rows; the rest is not read",
            "split the trace or sample it");
    return false;
  }
  if (broken >= 0) {
    cell_problem(static_cast<std::size_t>(broken), "a quoted cell must end with '\"' before the next comma",
                 "quotes inside cells are not supported");
    return true;
  }
  read_row(cells_buffer_);
  return true;
}

TraceJobs TraceReader::end() {
  if (out_.jobs.empty() && problem_count_ == 0) {
    const std::string skipped = out_.rows_skipped > 0 ? " (" + count_of(out_.rows_skipped, "row") + " skipped)" : "";
    problems_.push_back({file_, pointer_, trace_ + " has no jobs" + skipped,
                         have_header_ ? "add rows after the header line" : "write a header line, then one job per row"});
  }
  if (problem_count_ > kMaxProblems) {
    problems_.push_back({file_, pointer_,
                         trace_ + ": " + with_commas(static_cast<std::int64_t>(problem_count_ - kMaxProblems)) +
                             " more problems not listed",
                         "fix the ones above first"});
  }
  finish(out_);
  return std::move(out_);
}

TraceJobs TraceReader::run(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark from spreadsheets
  for (std::size_t from = 0; from < text.size();) {
    // Lines end at "\n", "\r\n" or a lone "\r".
    std::size_t to = from;
    while (to < text.size() && text[to] != '\n' && text[to] != '\r') ++to;
    const std::string_view one = text.substr(from, to - from);
    from = to + (to + 1 < text.size() && text[to] == '\r' && text[to + 1] == '\n' ? 2 : 1);
    if (!line(one)) break;
  }
  return end();
}

TraceJobs TraceReader::run(std::istream& in) {
  for_each_line(
      in, kMaxLineBytes, [&](std::string_view text) { return line(text); },
      [&] {
        ++line_;
        problem(line_, "the line is longer than " + with_commas(static_cast<std::int64_t>(kMaxLineBytes)) +
                           " bytes; it is skipped", "is this a CSV file?");
      });
  return end();
}

}  // namespace

const std::vector<std::string>& trace_format_names() {
  static const std::vector<std::string> names = {"capsim", "helios", "pai"};
  return names;
}

TraceJobs parse_fleet_trace(std::string_view text, TraceFormat format, const std::string& trace_name,
                            const std::string& file, const std::string& pointer, std::vector<Diagnostic>& problems) {
  return TraceReader(format, trace_name, file, pointer, problems).run(text);
}

TraceJobs read_fleet_trace(const std::string& path, TraceFormat format, const std::string& file,
                           const std::string& pointer, std::vector<Diagnostic>& problems) {
  std::string why = not_a_readable_file(path);
  std::ifstream in;
  if (why.empty()) {
    in.open(path, std::ios::binary);
    if (!in) why = "it cannot be read";
  }
  if (!why.empty()) {
    problems.push_back({file, pointer, "cannot read \"" + printable_ascii(path) + "\": " + why,
                        "check the path (relative paths start at the scenario's folder) and its permissions"});
    return {};
  }
  return TraceReader(format, path, file, pointer, problems).run(in);
}

}  // namespace capsim::planner
