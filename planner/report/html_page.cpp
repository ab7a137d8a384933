#include "planner/report/html_page.hpp"

#include "planner/report/svg_chart.hpp"

namespace capsim::planner::report {

namespace {

// System fonts only: the page must render the same without a network.
constexpr const char* kStyle = R"(
body{font-family:"DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;color:#24292f;background:#fff;
  max-width:1180px;margin:24px auto;padding:0 20px;line-height:1.45;font-size:14px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin:36px 0 12px}
h3{font-size:16px;margin:22px 0 8px}
.meta{color:#57606a;font-size:13px;margin:0 0 8px}
.answer{background:#f6f8fa;border:1px solid #d0d7de;border-left:6px solid #4e79a7;border-radius:6px;padding:10px 18px}
.headline{font-size:19px;font-weight:bold;margin:6px 0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num,th.num{text-align:right;white-space:nowrap}
tr.em td{font-weight:bold;background:#eef4fb}
.badge{background:#fff3cd;border:1px solid #d4a72c;border-radius:4px;padding:0 5px;font-size:12px;white-space:nowrap}
.warn{color:#9a3412}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 14px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:140px}
.card .v{font-size:18px;font-weight:bold}
.card .l{color:#57606a;font-size:12px}
.card.warn{border-color:#d97706}
svg.chart{display:block;max-width:100%;height:auto;margin:8px 0 18px}
footer{color:#57606a;font-size:12px;border-top:1px solid #d0d7de;margin-top:36px;padding-top:8px}
@media print{svg.chart,table{page-break-inside:avoid}}
)";

}  // namespace

std::string html_page_begin(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         xml_escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
}

std::string html_page_end() { return "<footer>Written by CapSim.</footer>\n</body>\n</html>\n"; }

std::string html_table(const Table& table, int badge_column) {
  const auto numeric = [&table](std::size_t c) { return c < table.numeric.size() && table.numeric[c]; };
  std::string out = "<div class=\"scroll\"><table>\n<thead><tr>";
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    out += std::string(numeric(c) ? "<th class=\"num\">" : "<th>") + xml_escape(table.header[c]) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const bool em = r < table.emphasized.size() && table.emphasized[r];
    out += em ? "<tr class=\"em\">" : "<tr>";
    for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
      const std::string& cell = table.rows[r][c];
      const bool badge = static_cast<int>(c) == badge_column && !cell.empty();
      out += std::string(numeric(c) ? "<td class=\"num\">" : "<td>") +
             (badge ? "<span class=\"badge\">" + xml_escape(cell) + "</span>" : xml_escape(cell)) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string html_list(const std::vector<std::string>& items, const std::string& css_class) {
  if (items.empty()) return "";
  std::string out = css_class.empty() ? "<ul>\n" : "<ul class=\"" + xml_escape(css_class) + "\">\n";
  for (const std::string& item : items) out += "<li>" + xml_escape(item) + "</li>\n";
  return out + "</ul>\n";
}

std::string html_cards(const std::vector<HeadlineCard>& cards) {
  std::string out = "<div class=\"cards\">\n";
  for (const HeadlineCard& c : cards) {
    out += std::string(c.warning ? "<div class=\"card warn\">" : "<div class=\"card\">") + "<div class=\"v\">" +
           xml_escape(c.value) + "</div><div class=\"l\">" + xml_escape(c.label) + "</div></div>\n";
  }
  return out + "</div>\n";
}

}  // namespace capsim::planner::report
