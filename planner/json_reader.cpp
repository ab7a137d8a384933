#include "planner/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace capsim::planner {

namespace {

using nlohmann::json;

// Edit distance is quadratic; beyond this length a suggestion is not worth the time.
constexpr std::size_t max_suggest_length = 64;
constexpr std::uintmax_t max_file_bytes = 256ull << 20;

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string format_in(units::Dimension dim, double v) {
  using units::Dimension;
  switch (dim) {
    case Dimension::time:
      return units::format_time(v);
    case Dimension::bytes:
      return units::format_bytes(v);
    case Dimension::bandwidth:
      return units::format_bandwidth(v);
    case Dimension::flop_rate:
      return units::format_flop_rate(v);
    case Dimension::power:
      return units::format_power(v);
    default:
      return format_number(v);
  }
}

std::string range_text(double min, double max, bool min_exclusive, units::Dimension dim) {
  const std::string lo = format_in(dim, min);
  if (max >= 1e29) return (min_exclusive ? "greater than " : "at least ") + lo;  // no upper bound worth naming
  const std::string hi = format_in(dim, max);
  if (min_exclusive) return "greater than " + lo + " and at most " + hi;
  return "from " + lo + " to " + hi;
}

bool free_text_key(std::string_view key) {
  return (!key.empty() && key.front() == '_') || key == "description" || key == "comment";
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::string json_pointer_append(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return out;
}

std::string json_pointer_append(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      bool same =
          std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty() || word.size() > max_suggest_length) return {};
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = c.size() > max_suggest_length ? best_d : edit_distance(word, c);
    if (d < best_d && d < std::max(word.size(), c.size())) {
      best_d = d;
      best = c;
    }
  }
  // One edit away is a typo; otherwise a shorthand such as "h100" for "h100-sxm5-80gb" is plainly meant, though far
  // in edits, and wins over a short id two edits away ("b300").
  if ((!best.empty() && best_d <= 1) || word.size() < 3) return best;
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string containing;
  std::size_t containing_d = 0;
  for (const auto& c : candidates) {
    if (lower(c).find(lower(word)) == std::string::npos) continue;
    const std::size_t d = c.size() - word.size();  // the edits from word to a candidate containing it
    if (containing.empty() || d < containing_d) {
      containing = c;
      containing_d = d;
    }
  }
  return containing.empty() ? best : containing;
}

std::string join_alternatives(const std::vector<std::string>& items, std::string_view last) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? std::string(last) : std::string(", ");
    out += items[i];
  }
  return out;
}

std::string printable_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? '?' : c;
  return out;
}

std::string describe_json(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
      return std::to_string(value.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(value.get<std::uint64_t>());
    case json::value_t::number_float:
      return format_number(value.get<double>());
    case json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      constexpr std::size_t max_len = 40;
      return s.size() <= max_len ? in_quotes(printable_ascii(s))
                                 : in_quotes(printable_ascii(s.substr(0, max_len)) + "...");
    }
    case json::value_t::array:
      return value.empty() ? "an empty array" : "an array";
    case json::value_t::object:
      return value.empty() ? "an empty object" : "an object";
    default:
      return "a binary value";
  }
}

std::string resolve_path(const std::string& referring_file, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? path : (std::filesystem::path(referring_file).parent_path() / p).string();
}

std::optional<json> parse_json_text(std::string_view text, const std::string& file, std::vector<Diagnostic>& out) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out.push_back(
        {file, "", "the file is empty; expected a JSON object", "write a JSON object that starts with \"schema\""});
    return std::nullopt;
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    std::size_t byte = std::min<std::size_t>(e.byte == 0 ? 1 : e.byte, text.size());
    std::size_t line = 1, line_start = 0;
    for (std::size_t i = 0; i + 1 < byte; ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    std::string what = e.what();
    std::size_t at = what.find("parse error");
    std::size_t colon = what.find(": ", at == std::string::npos ? 0 : at);
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    out.push_back({file, "",
                   "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(byte - line_start) +
                       ": " + printable_ascii(reason),
                   "fix the JSON syntax there"});
  } catch (const json::exception& e) {
    std::string what = e.what();  // "[json.exception.out_of_range.406] number overflow parsing '1e400'"
    what = what.substr(what.find(']') == std::string::npos ? 0 : what.find(']') + 2);
    out.push_back({file, "", "invalid JSON: " + printable_ascii(what), "fix the JSON text"});
  }
  return std::nullopt;
}

std::string not_a_readable_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return "no such file";
  if (fs::is_directory(st)) return "it is a directory";
  if (!fs::is_regular_file(st)) return "it is not a regular file";
  return "";
}

bool read_text_file(const std::string& path, std::string& text, const std::string& file, const std::string& pointer,
                    std::vector<Diagnostic>& out) {
  std::string problem = not_a_readable_file(path);
  std::error_code ec;
  if (problem.empty()) {
    if (std::uintmax_t size = std::filesystem::file_size(path, ec); ec || size > max_file_bytes) {
      problem = ec ? "its size cannot be read" : "it is larger than 256 MiB";
    }
  }
  if (problem.empty()) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    if (in) buf << in.rdbuf();
    if (in && !in.bad()) {
      text = std::move(buf).str();
      return true;
    }
    problem = "it cannot be read";
  }
  // A file named by another file is found from that file's folder; one named on the command line from here.
  out.push_back({file, pointer, "cannot read " + in_quotes(path) + ": " + problem,
                 pointer.empty() ? "check the path (relative to the current folder) and its permissions"
                                 : "check the path (relative paths start at the referring file's folder) and its "
                                   "permissions"});
  return false;
}

void JsonReader::error(const std::string& pointer, std::string message, std::string hint) {
  diagnostics_.push_back({file_, pointer, std::move(message), std::move(hint)});
}

void JsonReader::add(const std::vector<Diagnostic>& diagnostics) {
  diagnostics_.insert(diagnostics_.end(), diagnostics.begin(), diagnostics.end());
}

void JsonReader::throw_if_errors() const {
  if (!diagnostics_.empty()) throw InputError(diagnostics_);
}

std::optional<long long> JsonReader::integer(const json& v, const std::string& pointer, long long min, long long max) {
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  const std::string message = "expected an integer " + range + ", found " + describe_json(v);
  if (v.is_number_integer()) {  // signed or unsigned: exact, no detour through double
    const bool fits = !v.is_number_unsigned() || v.get<std::uint64_t>() <= std::uint64_t(LLONG_MAX);
    if (fits && v.get<long long>() >= min && v.get<long long>() <= max) return v.get<long long>();
    error(pointer, message, "use a value " + range);
    return std::nullopt;
  }
  double d = std::nan("");
  if (v.is_number_float()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    d = units::parse(v.get_ref<const std::string&>(), units::Dimension::count).value_or(d);  // "4k", "1M"
  }
  if (!std::isfinite(d) || d != std::floor(d)) {
    error(pointer, message, "write a whole number such as 8");
  } else if (d < static_cast<double>(min) || d > static_cast<double>(max) || std::fabs(d) >= 0x1p63) {
    error(pointer, message, "use a value " + range);
  } else {
    return static_cast<long long>(d);
  }
  return std::nullopt;
}

std::optional<double> JsonReader::number(const json& v, const std::string& pointer, double min, double max,
                                         bool min_exclusive) {
  const std::string range = range_text(min, max, min_exclusive, units::Dimension::count);
  if (!v.is_number()) {
    error(pointer, "expected a number " + range + ", found " + describe_json(v), "write a plain JSON number");
    return std::nullopt;
  }
  double d = v.get<double>();
  if (!std::isfinite(d) || d > max || d < min || (min_exclusive && d == min)) {
    error(pointer, "expected a number " + range + ", found " + describe_json(v), "use a value " + range);
    return std::nullopt;
  }
  return d;
}

std::optional<double> JsonReader::quantity(const json& v, const std::string& pointer, units::Dimension dim, double min,
                                           double max, bool min_exclusive) {
  const std::string what(units::describe(dim));
  double d = 0;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    std::string why;
    auto parsed = units::parse(v.get_ref<const std::string&>(), dim, &why);
    if (!parsed) {
      error(pointer, why.empty() ? "expected " + what + ", found " + describe_json(v) : why,
            "write a number in SI units or a string with a unit of that kind");
      return std::nullopt;
    }
    d = *parsed;
  } else {
    error(pointer, "expected " + what + ", found " + describe_json(v),
          "write a number in SI units or a string with a unit");
    return std::nullopt;
  }
  if (!std::isfinite(d) || d > max || d < min || (min_exclusive && d == min)) {
    const std::string range = range_text(min, max, min_exclusive, dim);
    error(pointer, "expected " + what + " (" + range + "), found " + describe_json(v), "use a value " + range);
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> JsonReader::string(const json& v, const std::string& pointer, bool allow_empty) {
  if (!v.is_string()) {
    error(pointer, "expected a string, found " + describe_json(v), "write the value in double quotes");
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() && !allow_empty) {
    error(pointer, "expected a non-empty string, found \"\"", "write a name");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> JsonReader::boolean(const json& v, const std::string& pointer) {
  if (!v.is_boolean()) {
    error(pointer, "expected true or false, found " + describe_json(v), "write true or false without quotes");
    return std::nullopt;
  }
  return v.get<bool>();
}

std::optional<std::string> JsonReader::choice(const json& v, const std::string& pointer,
                                              const std::vector<std::string>& options) {
  std::vector<std::string> shown;
  for (const auto& o : options) shown.push_back(in_quotes(o));
  const std::string one_of = "one of " + join_alternatives(shown);
  if (!v.is_string()) {
    error(pointer, "expected " + one_of + ", found " + describe_json(v), "write one of those strings");
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (std::find(options.begin(), options.end(), s) != options.end()) return s;
  std::string near = closest_match(s, options);
  error(pointer, "expected " + one_of + ", found " + describe_json(v),
        near.empty() ? "use " + one_of : "did you mean " + in_quotes(near) + "?");
  return std::nullopt;
}

bool JsonReader::expect_object(const json& v, const std::string& pointer) {
  if (v.is_object()) return true;
  error(pointer, "expected an object {...}, found " + describe_json(v), "write a JSON object with the keys here");
  return false;
}

bool JsonReader::expect_array(const json& v, const std::string& pointer) {
  if (v.is_array()) return true;
  error(pointer, "expected an array [...], found " + describe_json(v), "write a JSON array");
  return false;
}

ObjectReader::ObjectReader(JsonReader& reader, const json& value, std::string pointer)
    : reader_(reader), pointer_(std::move(pointer)) {
  if (reader_.expect_object(value, pointer_)) object_ = &value;
}

bool ObjectReader::has(std::string_view key) const {
  return object_ != nullptr && object_->find(std::string(key)) != object_->end();
}

const json* ObjectReader::get(std::string_view key, bool required, std::string_view expected) {
  known_.emplace(key);
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(std::string(key));
  if (it != object_->end()) return &*it;
  if (required) {
    reader_.error(pointer_, "missing required key " + in_quotes(key) + " (" + std::string(expected) + ")",
                  "add " + in_quotes(key) + ": ...");
  }
  return nullptr;
}

void ObjectReader::allow(std::initializer_list<std::string_view> keys) {
  for (auto k : keys) known_.emplace(k);
}

std::optional<long long> ObjectReader::integer(std::string_view key, long long min, long long max, bool required) {
  const json* v = get(key, required, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return v ? reader_.integer(*v, pointer(key), min, max) : std::nullopt;
}

std::optional<double> ObjectReader::number(std::string_view key, double min, double max, bool min_exclusive,
                                           bool required) {
  const json* v = get(key, required, "a number " + range_text(min, max, min_exclusive, units::Dimension::count));
  return v ? reader_.number(*v, pointer(key), min, max, min_exclusive) : std::nullopt;
}

std::optional<double> ObjectReader::quantity(std::string_view key, units::Dimension dim, double min, double max,
                                             bool min_exclusive, bool required) {
  const json* v = get(key, required, units::describe(dim));
  return v ? reader_.quantity(*v, pointer(key), dim, min, max, min_exclusive) : std::nullopt;
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const json* v = get(key, required, "a string");
  return v ? reader_.string(*v, pointer(key)) : std::nullopt;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const json* v = get(key, required, "true or false");
  return v ? reader_.boolean(*v, pointer(key)) : std::nullopt;
}

std::optional<std::string> ObjectReader::choice(std::string_view key, const std::vector<std::string>& options,
                                                bool required) {
  std::vector<std::string> shown;
  for (const auto& o : options) shown.push_back(in_quotes(o));
  const json* v = get(key, required, "one of " + join_alternatives(shown));
  return v ? reader_.choice(*v, pointer(key), options) : std::nullopt;
}

void ObjectReader::finish() {
  if (object_ == nullptr) return;
  std::vector<std::string> known(known_.begin(), known_.end());
  for (auto it = object_->begin(); it != object_->end(); ++it) {
    const std::string& key = it.key();
    if (known_.count(key) != 0 || free_text_key(key)) continue;
    std::string near = closest_match(key, known);
    reader_.error(pointer(key), "unknown key " + in_quotes(printable_ascii(key)),
                  near.empty()
                      ? "known keys here: " + join_alternatives(known, ", ") + "; keys starting with \"_\" are comments"
                      : "did you mean " + in_quotes(near) + "?");
  }
}

}  // namespace capsim::planner
