#include "models/hardware/gemm_csv_import.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/core/error.hpp"

namespace capsim::hw {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

bool parse_number(const std::string& s, double& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

std::vector<GemmPoint> parse_gemm_csv(std::string_view text, const std::string& file) {
  std::vector<Diagnostic> found;
  std::vector<GemmPoint> points;
  auto bad = [&](int line, const std::string& message, const std::string& hint = {}) {
    found.push_back({file + ":" + std::to_string(line), "", message, hint});
  };
  std::map<std::string, std::size_t> column;
  std::istringstream in{std::string(text)};
  std::string raw_line;
  int line = 0;
  while (std::getline(in, raw_line)) {
    ++line;
    const std::string l = trim(raw_line);
    if (l.empty() || l[0] == '#') continue;
    const std::vector<std::string> cells = split(l);
    if (column.empty()) {
      for (std::size_t i = 0; i < cells.size(); ++i) column[cells[i]] = i;
      for (const char* need : {"m", "n", "k", "dtype", "time_s"}) {
        if (!column.count(need)) bad(line, std::string("the header lacks column \"") + need + "\"",
                                     "the header is m,n,k,dtype,time_s[,tflops]");
      }
      if (!found.empty()) throw InputError(found);
      continue;
    }
    if (cells.size() != column.size()) {
      bad(line, "expected " + std::to_string(column.size()) + " cells, found " + std::to_string(cells.size()));
      continue;
    }
    GemmPoint g;
    g.origin = file + ":" + std::to_string(line);
    double m = 0, n = 0, k = 0;
    const bool dims = parse_number(cells[column["m"]], m) && parse_number(cells[column["n"]], n) &&
                      parse_number(cells[column["k"]], k) && m >= 1 && n >= 1 && k >= 1;
    if (!dims) {
      bad(line, "m, n and k must be positive numbers");
      continue;
    }
    g.shape = {m, n, k};
    const auto p = precision_from_string(cells[column["dtype"]]);
    if (!p) {
      bad(line, "unknown dtype \"" + cells[column["dtype"]] + "\"", "bf16, fp16, tf32, fp8, fp32, ...");
      continue;
    }
    g.dtype = *p;
    if (!parse_number(cells[column["time_s"]], g.time_s) || g.time_s <= 0) {
      bad(line, "time_s must be a positive number of seconds, found \"" + cells[column["time_s"]] + "\"");
      continue;
    }
    if (column.count("tflops") && !cells[column["tflops"]].empty()) {
      double tflops = 0;
      const double implied = g.shape.flops() / g.time_s / 1e12;
      if (!parse_number(cells[column["tflops"]], tflops) || std::abs(tflops - implied) > 0.02 * implied) {
        bad(line, "tflops \"" + cells[column["tflops"]] + "\" disagrees with 2mnk/time_s = " + std::to_string(implied),
            "time_s must be seconds per GEMM");
        continue;
      }
    }
    points.push_back(g);
  }
  if (column.empty()) bad(line, "no header line", "the header is m,n,k,dtype,time_s[,tflops]");
  if (!found.empty()) throw InputError(found);
  return points;
}

std::vector<GemmPoint> read_gemm_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({{path, "", "cannot read the GEMM CSV", "check the path"}});
  std::stringstream text;
  text << in.rdbuf();
  return parse_gemm_csv(text.str(), path);
}

}  // namespace capsim::hw
