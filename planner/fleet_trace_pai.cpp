#include "planner/fleet_trace_pai.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace capsim::planner {

namespace {

constexpr std::size_t kMaxProblems = 20;

struct Task {
  double gpus = 0;
  double start = INFINITY, end = -INFINITY;
  std::string gpu_type;
};

std::optional<double> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// Calls `row(line, cells)` for every non-empty line of a headerless CSV (no quoting in these tables).
template <typename F>
void each_row(std::string_view text, F&& row) {
  std::vector<std::string_view> cells;
  std::size_t line = 0;
  for (std::size_t from = 0; from < text.size();) {
    std::size_t to = text.find('\n', from);
    if (to == std::string_view::npos) to = text.size();
    std::string_view l = text.substr(from, to - from);
    from = to + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) continue;
    cells.clear();
    for (std::size_t a = 0;;) {
      const std::size_t b = l.find(',', a);
      cells.push_back(l.substr(a, b == std::string_view::npos ? std::string_view::npos : b - a));
      if (b == std::string_view::npos) break;
      a = b + 1;
    }
    row(line, cells);
  }
}

bool printable(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e || c == '"') return false;
  }
  return !s.empty() && s.size() <= 200;
}

}  // namespace

std::string pai_tables_to_trace(std::string_view jobs, std::string_view tasks, const std::string& jobs_name,
                                const std::string& tasks_name, const std::string& file, const std::string& pointer,
                                std::vector<Diagnostic>& problems, std::vector<std::string>& notes) {
  std::size_t count = 0;
  auto problem = [&](const std::string& table, std::size_t line, std::size_t column, const std::string& what,
                     const std::string& message) {
    if (++count <= kMaxProblems) {
      problems.push_back({file, pointer,
                          table + " line " + std::to_string(line) +
                              (column > 0 ? ", column " + std::to_string(column) + " (" + what + ")" : "") + ": " +
                              message,
                          ""});
    }
  };
  std::unordered_map<std::string, Task> by_job;
  each_row(tasks, [&](std::size_t line, const std::vector<std::string_view>& c) {
    if (c.size() != 10) {
      problem(tasks_name, line, 0, "", "expected the 10 columns of pai_task_table, found " + std::to_string(c.size()));
      return;
    }
    if (!printable(c[0])) {
      problem(tasks_name, line, 1, "job_name", "expected a job name of printable characters");
      return;
    }
    Task& t = by_job[std::string(c[0])];
    const auto inst = number(c[2]);
    if (!inst || *inst < 0 || *inst > 1e6) {
      problem(tasks_name, line, 3, "inst_num", "expected a count of instances from 0 to 1e6");
      return;
    }
    if (!c[8].empty()) {
      const auto gpu = number(c[8]);
      if (!gpu || *gpu < 0 || *gpu > 1e5) {
        problem(tasks_name, line, 9, "plan_gpu", "expected percent of a GPU (100 = one GPU), from 0 to 1e5");
        return;
      }
      t.gpus += *inst * *gpu / 100;
      if (*gpu > 0 && t.gpu_type.empty() && printable(c[9])) t.gpu_type = std::string(c[9]);
    }
    const auto start = number(c[4]), end = number(c[5]);
    if (start && end && *end >= *start) {
      t.start = std::min(t.start, *start);
      t.end = std::max(t.end, *end);
    }
  });
  std::ostringstream out;
  out.precision(17);
  out << "job_id,user,num_gpu,submit_time,duration,gpu_type\n";
  std::int64_t never_ran = 0, no_tasks = 0, written = 0;
  each_row(jobs, [&](std::size_t line, const std::vector<std::string_view>& c) {
    if (c.size() != 6) {
      problem(jobs_name, line, 0, "", "expected the 6 columns of pai_job_table, found " + std::to_string(c.size()));
      return;
    }
    if (!printable(c[0]) || !printable(c[2])) {
      problem(jobs_name, line, printable(c[0]) ? 3 : 1, printable(c[0]) ? "user" : "job_name",
              "expected a name of printable characters");
      return;
    }
    const auto submit = number(c[4]);
    if (!submit || *submit < 0) {
      problem(jobs_name, line, 5, "start_time", "expected the submission time in seconds");
      return;
    }
    const auto it = by_job.find(std::string(c[0]));
    if (it == by_job.end()) {
      ++no_tasks;
      return;
    }
    const Task& t = it->second;
    if (!(t.end > t.start)) {
      ++never_ran;
      return;
    }
    out << written++ << ',' << c[2] << ',' << t.gpus << ',' << *submit << ',' << (t.end - t.start) << ','
        << t.gpu_type << '\n';
  });
  if (count > kMaxProblems) {
    problems.push_back({file, pointer, std::to_string(count - kMaxProblems) + " more problems in the PAI tables", ""});
  }
  if (never_ran > 0) {
    notes.push_back("Skipped " + std::to_string(never_ran) + " PAI jobs whose tasks never started or ended.");
  }
  if (no_tasks > 0) notes.push_back("Skipped " + std::to_string(no_tasks) + " PAI jobs with no row in " + tasks_name + ".");
  return out.str();
}

}  // namespace capsim::planner
