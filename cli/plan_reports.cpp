#include "cli/plan_reports.hpp"

#include <filesystem>

#include "planner/report/pdf/plan_report_pdf.hpp"
#include "planner/report/plan_report.hpp"
#include "planner/tco/plan.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/error.hpp"

namespace capsim::cli {

void write_plan_reports(const planner::tco::PlanResult& plan, const std::string& summary, const std::string& dir) {
  namespace fs = std::filesystem;
  prepare_output_folder(dir);
  const fs::path d(dir);
  write_file_atomically((d / "result.json").string(), planner::tco::plan_to_json(plan).dump(2) + "\n");
  write_file_atomically((d / "summary.txt").string(), summary);
  write_file_atomically((d / "costs.csv").string(), planner::report::plan_costs_csv(plan));
  write_file_atomically((d / "report.html").string(), planner::report::plan_report_html(plan));
  planner::report::write_plan_report_pdf(plan, (d / "report.pdf").string());
}

}  // namespace capsim::cli
