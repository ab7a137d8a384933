#include "planner/tco/price_book.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "planner/json_reader.hpp"
#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::tco {

std::vector<capsim::EmbeddedFile> builtin_price_book_files();

namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

/// Denominators a price may be written per, and what they mean in `unit`'s terms (value = written x factor).
struct Per {
  std::string_view text;
  PriceUnit unit;
  double factor;
};
constexpr Per kPers[] = {
    {"h", PriceUnit::per_hour, 1},           {"hour", PriceUnit::per_hour, 1},
    {"hr", PriceUnit::per_hour, 1},          {"gpu-h", PriceUnit::per_hour, 1},
    {"gpu-hour", PriceUnit::per_hour, 1},    {"instance-hour", PriceUnit::per_hour, 1},
    {"month", PriceUnit::per_hour, 1 / kHoursPerMonth},
    {"kwh", PriceUnit::per_kwh, 1},          {"mwh", PriceUnit::per_kwh, 1e-3},
    {"kw-month", PriceUnit::per_kw_month, 1}, {"kw/month", PriceUnit::per_kw_month, 1},
    {"mw-month", PriceUnit::per_kw_month, 1e-3},
    {"gb", PriceUnit::per_gb, 1},            {"tb", PriceUnit::per_gb, 1e-3},
    {"gib", PriceUnit::per_gb, 1e9 / 1073741824.0},
    {"gb-month", PriceUnit::per_gb_month, 1}, {"tb-month", PriceUnit::per_gb_month, 1e-3},
    {"year", PriceUnit::per_year, 1},        {"yr", PriceUnit::per_year, 1},
    {"gpu-year", PriceUnit::per_year, 1},    {"person-year", PriceUnit::per_year, 1},
    {"mw", PriceUnit::per_mw, 1},            {"kw", PriceUnit::per_mw, 1e3},
};

std::optional<double> fail(std::string* error, PriceUnit unit, const std::string& found, std::string_view why) {
  if (error != nullptr) {
    *error = "expected " + describe(unit) + ", found " + found;
    if (!why.empty()) *error += " (" + std::string(why) + ")";
  }
  return std::nullopt;
}

/// "6%", "6%/year", 0.06.
std::optional<double> parse_fraction(const json& v, std::string* error) {
  const std::string found = describe_json(v);
  if (v.is_number()) {
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < 0 || x > 1) return fail(error, PriceUnit::fraction, found, "a share from 0 to 1");
    return x;
  }
  if (!v.is_string()) return fail(error, PriceUnit::fraction, found, "");
  std::string s = lower(trim(v.get<std::string>()));
  for (std::string_view tail : {"/year", "/yr", " per year"}) {
    if (s.size() > tail.size() && s.ends_with(tail)) s = trim(s.substr(0, s.size() - tail.size()));
  }
  if (!s.ends_with("%")) return fail(error, PriceUnit::fraction, found, "write a percentage such as \"6%\"");
  auto x = units::parse(trim(s.substr(0, s.size() - 1)), units::Dimension::count);
  if (!x || *x < 0 || *x > 100) return fail(error, PriceUnit::fraction, found, "a percentage from 0% to 100%");
  return *x / 100;
}

/// "5 years", 5; "2 months", 2; "18 months" as years, 1.5.
std::optional<double> parse_span(const json& v, PriceUnit unit, std::string* error) {
  const std::string found = describe_json(v);
  const double max = unit == PriceUnit::years ? 50 : 600;
  double x = 0;
  if (v.is_number()) {
    x = v.get<double>();
  } else if (v.is_string()) {
    const std::string s = lower(trim(v.get<std::string>()));
    const std::size_t cut = s.find_first_not_of("0123456789.+-eE");
    auto n = units::parse(trim(s.substr(0, cut)), units::Dimension::count);
    const std::string word = cut == std::string::npos ? "" : trim(s.substr(cut));
    static const std::pair<std::string_view, double> kWords[] = {
        {"year", 12}, {"years", 12}, {"yr", 12}, {"y", 12}, {"month", 1}, {"months", 1}, {"mo", 1}};
    double months = -1;
    for (const auto& [w, m] : kWords) {
      if (word == w) months = m;
    }
    if (!n || months < 0) return fail(error, unit, found, "write e.g. \"5 years\" or \"18 months\"");
    x = *n * months / (unit == PriceUnit::years ? 12 : 1);
  } else {
    return fail(error, unit, found, "");
  }
  if (!std::isfinite(x) || x < 0 || x > max) return fail(error, unit, found, "out of range");
  return x;
}

}  // namespace

std::string describe(PriceUnit unit) {
  switch (unit) {
    case PriceUnit::money: return "an amount such as \"$270k\"";
    case PriceUnit::per_hour: return "a price per hour such as \"$55.04/h\"";
    case PriceUnit::per_kwh: return "a price per kWh such as \"$0.08/kWh\"";
    case PriceUnit::per_kw_month: return "a price per kW-month such as \"$184/kW-month\"";
    case PriceUnit::per_gb: return "a price per GB such as \"$0.09/GB\"";
    case PriceUnit::per_gb_month: return "a price per GB-month such as \"$0.023/GB-month\"";
    case PriceUnit::per_year: return "a price per year such as \"$250k/year\"";
    case PriceUnit::per_mw: return "a price per MW such as \"$11.7M/MW\"";
    case PriceUnit::fraction: return "a percentage such as \"6%\"";
    case PriceUnit::years: return "a number of years such as \"5 years\"";
    case PriceUnit::months: return "a number of months such as \"2 months\"";
    case PriceUnit::count: return "a non-negative number";
  }
  return "a price";
}

std::optional<double> parse_price(const json& value, PriceUnit unit, std::string* error) {
  const std::string found = describe_json(value);
  switch (unit) {
    case PriceUnit::fraction: return parse_fraction(value, error);
    case PriceUnit::years:
    case PriceUnit::months: return parse_span(value, unit, error);
    case PriceUnit::count: {
      if (!value.is_number()) return fail(error, unit, found, "");
      const double x = value.get<double>();
      if (!std::isfinite(x) || x < 0 || x > 1e12) return fail(error, unit, found, "out of range");
      return x;
    }
    default: break;
  }
  if (value.is_number()) {
    return fail(error, unit, found, "a bare number has no currency; write it with \"$\" and its unit");
  }
  if (!value.is_string()) return fail(error, unit, found, "");
  const std::string text = trim(value.get<std::string>());
  // Split "$55.04/h" into amount and denominator at the last '/', so that "$1.2M/MW" keeps its suffix.
  const std::size_t slash = text.rfind('/');
  const std::string amount = trim(slash == std::string::npos ? text : text.substr(0, slash));
  std::string per = slash == std::string::npos ? "" : lower(trim(text.substr(slash + 1)));
  std::string why;
  auto usd = units::parse(amount, units::Dimension::money, &why);
  if (!usd) return fail(error, unit, found, why);
  if (*usd < 0) return fail(error, unit, found, "a price cannot be negative");
  if (amount.find('$') == std::string::npos && lower(amount).find("usd") == std::string::npos) {
    return fail(error, unit, found, "write the currency: \"$\" or \"USD\"");
  }
  if (unit == PriceUnit::money) {
    if (!per.empty()) return fail(error, unit, found, "a one-off amount has no \"/" + per + "\"");
    return *usd;
  }
  if (per.empty()) return fail(error, unit, found, "add what it is per, e.g. " + describe(unit).substr(describe(unit).find('"')));
  for (const Per& p : kPers) {
    if (per == p.text) {
      if (p.unit != unit) return fail(error, unit, found, "\"/" + per + "\" is " + describe(p.unit).substr(2));
      return *usd * p.factor;
    }
  }
  return fail(error, unit, found, "unknown unit \"/" + per + "\"");
}

namespace {

/// Unit of a flat key of the book.
std::optional<PriceUnit> unit_of_key(const std::string& key) {
  struct Rule {
    std::string_view prefix;
    PriceUnit unit;
  };
  static constexpr Rule exact[] = {
      {"on-prem/nic-port", PriceUnit::money},      {"on-prem/switch-port", PriceUnit::money},
      {"on-prem/transceiver", PriceUnit::money},   {"on-prem/optical-cable", PriceUnit::money},
      {"on-prem/copper-cable", PriceUnit::money},  {"on-prem/storage-capacity", PriceUnit::per_gb},
      {"on-prem/rack", PriceUnit::money},          {"on-prem/colocation", PriceUnit::per_kw_month},
      {"on-prem/build", PriceUnit::per_mw},        {"on-prem/build-life", PriceUnit::years},
      {"on-prem/electricity", PriceUnit::per_kwh}, {"on-prem/maintenance", PriceUnit::fraction},
      {"on-prem/software", PriceUnit::per_year},   {"on-prem/staff", PriceUnit::per_year},
      {"on-prem/nodes-per-staff", PriceUnit::count}, {"on-prem/depreciation", PriceUnit::years},
      {"on-prem/residual", PriceUnit::fraction},   {"on-prem/lead-time", PriceUnit::months},
      {"on-prem/hardware-decline", PriceUnit::fraction}, {"money/discount-rate", PriceUnit::fraction},
  };
  for (const Rule& r : exact) {
    if (key == r.prefix) return r.unit;
  }
  if (key.starts_with("on-prem/server/")) return PriceUnit::money;
  if (key.starts_with("cloud-storage/")) return PriceUnit::per_gb_month;
  if (key.starts_with("egress/")) {
    return key.ends_with("/free") ? std::optional<PriceUnit>(PriceUnit::count) : PriceUnit::per_gb;
  }
  if (key.starts_with("cloud/")) {
    return key.ends_with("/spot-interruptions") ? PriceUnit::count : PriceUnit::per_hour;
  }
  return std::nullopt;
}

const std::vector<std::string> kPricings = {"on-demand", "committed-1y", "committed-3y", "spot", "capacity-block"};

/// Reads one fact object {"value", "date", "source", "quality"} (or a bare value, for inline overrides).
std::optional<Price> read_fact(const json& v, PriceUnit unit, JsonReader& r, const std::string& pointer,
                               const std::string& key, const std::string& origin, bool bare_ok) {
  Price p;
  p.unit = unit;
  p.use.key = key;
  p.use.origin = origin;
  const json* value = &v;
  if (v.is_object()) {
    ObjectReader o(r, v, pointer);
    value = o.get("value", true, describe(unit));
    if (auto d = o.string("date", true)) p.use.date = *d;
    if (auto s = o.string("source", true)) p.use.source = *s;
    if (auto q = o.choice("quality", {"primary", "secondary", "estimate", "LQ"}, true)) p.use.quality = *q;
    o.finish();
    if (value == nullptr) return std::nullopt;
  } else if (!bare_ok) {
    r.error(pointer, "expected a price fact {\"value\", \"date\", \"source\", \"quality\"}, found " + describe_json(v),
            "every built-in or price-book price says when and where it comes from");
    return std::nullopt;
  } else {
    p.use.quality = "estimate";
    p.use.source = "set in " + origin;
    p.use.date = "";
  }
  // Egress allowances are written as sizes ("100 GB").
  if (unit == PriceUnit::count && key.starts_with("egress/") && value->is_string()) {
    auto bytes = units::parse(value->get<std::string>(), units::Dimension::bytes);
    if (!bytes || *bytes < 0) {
      r.error(json_pointer_append(pointer, v.is_object() ? "value" : ""), "expected a size such as \"100 GB\", found " +
                                                                             describe_json(*value));
      return std::nullopt;
    }
    p.value = *bytes / 1e9;  // GB
    p.use.text = value->get<std::string>();
  } else {
    std::string why;
    auto x = parse_price(*value, unit, &why);
    const std::string at = v.is_object() ? json_pointer_append(pointer, "value") : pointer;
    if (!x) {
      r.error(at, why);
      return std::nullopt;
    }
    p.value = *x;
    p.use.text = value->is_string() ? value->get<std::string>() : value->dump();
  }
  p.use.estimate = p.use.quality == "estimate" || p.use.quality == "LQ";
  return p;
}

}  // namespace

const PriceBook& PriceBook::builtin() {
  static const PriceBook book = [] {
    PriceBook b;
    for (const EmbeddedFile& file : builtin_price_book_files()) {
      const std::string origin = "built-in " + std::string(file.name);
      JsonReader r(origin);
      std::vector<Diagnostic> diags;
      auto doc = parse_json_text(file.content, origin, diags);
      r.add(diags);
      if (doc) b.merge(*doc, r, "price book (" + std::string(file.name) + ")");
      r.throw_if_errors();
    }
    return b;
  }();
  return book;
}

void PriceBook::merge(const json& doc, JsonReader& r, const std::string& origin) {
  ObjectReader top(r, doc, "");
  if (!top.ok()) return;
  if (auto s = top.string("schema", true); s && *s != "capsim/price-book/v1") {
    r.error("/schema", "expected \"capsim/price-book/v1\", found \"" + printable_ascii(*s) + "\"");
  }
  std::map<std::string, Price> staged;
  if (const json* cloud = top.get("cloud"); cloud != nullptr && r.expect_array(*cloud, "/cloud")) {
    for (std::size_t i = 0; i < cloud->size(); ++i) {
      const std::string ptr = json_pointer_append("/cloud", i);
      ObjectReader o(r, (*cloud)[i], ptr);
      if (!o.ok()) continue;
      const std::size_t before = r.error_count();
      CloudInstance inst;
      if (auto v = o.string("id", true)) inst.id = *v;
      if (auto v = o.string("provider", true)) inst.provider = lower(*v);
      if (auto v = o.string("name", true)) inst.name = *v;
      if (auto v = o.string("gpu", true)) inst.gpu = *v;
      if (auto v = o.integer("gpus", 1, 1024, true)) inst.gpus = static_cast<int>(*v);
      std::map<std::string, Price> mine;
      if (const json* prices = o.get("prices", true, "an object of prices by pricing model")) {
        ObjectReader po(r, *prices, o.pointer("prices"));
        if (po.ok()) {
          for (const auto& [name, fact] : prices->items()) {
            if (std::find(kPricings.begin(), kPricings.end(), name) == kPricings.end()) continue;
            po.allow({name});
            const std::string key = "cloud/" + inst.id + "/" + name;
            if (auto p = read_fact(fact, PriceUnit::per_hour, r, po.pointer(name), key, origin, false)) {
              mine.emplace(key, *p);
            }
          }
          po.finish();
        }
      }
      if (const json* si = o.get("spot_interruptions")) {
        const std::string key = "cloud/" + inst.id + "/spot-interruptions";
        if (auto p = read_fact(*si, PriceUnit::count, r, o.pointer("spot_interruptions"), key, origin, false)) {
          mine.emplace(key, *p);
        }
      }
      o.finish();
      if (r.error_count() != before) continue;
      instances_[inst.id] = inst;  // prices come from prices_ in index()
      for (auto& [k, p] : mine) staged[k] = p;
    }
  }
  if (const json* servers = top.get("servers"); servers != nullptr && r.expect_array(*servers, "/servers")) {
    for (std::size_t i = 0; i < servers->size(); ++i) {
      const std::string ptr = json_pointer_append("/servers", i);
      ObjectReader o(r, (*servers)[i], ptr);
      if (!o.ok()) continue;
      const std::size_t before = r.error_count();
      ServerType s;
      if (auto v = o.string("gpu", true)) s.gpu = *v;
      if (auto v = o.string("name", true)) s.name = *v;
      if (auto v = o.integer("gpus", 1, 1024, true)) s.gpus = static_cast<int>(*v);
      std::optional<Price> price;
      if (const json* pj = o.get("price", true, describe(PriceUnit::money))) {
        price = read_fact(*pj, PriceUnit::money, r, o.pointer("price"), "on-prem/server/" + s.gpu, origin, false);
      }
      o.finish();
      if (r.error_count() != before || !price) continue;
      servers_[s.gpu] = s;
      staged["on-prem/server/" + s.gpu] = *price;
    }
  }
  if (const json* prices = top.get("prices"); prices != nullptr) {
    ObjectReader po(r, *prices, "/prices");
    if (po.ok()) {
      for (const auto& [key, fact] : prices->items()) {
        po.allow({key});
        auto unit = unit_of_key(key);
        if (!unit) {
          r.error(po.pointer(key), "unknown price key \"" + printable_ascii(key) + "\"",
                  "keys look like on-prem/electricity, cloud-storage/aws/object-store or egress/aws/tier-1");
          continue;
        }
        if (auto p = read_fact(fact, *unit, r, po.pointer(key), key, origin, false)) staged[key] = *p;
      }
      po.finish();
    }
  }
  top.finish();
  for (auto& [k, p] : staged) prices_[k] = p;
  index();
}

void PriceBook::merge_file(const std::string& path, JsonReader& reader) {
  std::vector<Diagnostic> diags;
  std::string text;
  JsonReader own(path);
  if (read_text_file(path, text, path, "", diags)) {
    if (auto doc = parse_json_text(text, path, diags)) merge(*doc, own, path);
  }
  reader.add(diags);
  reader.add(own.diagnostics());
}

void PriceBook::set(const std::string& key, const json& value, JsonReader& r, const std::string& pointer,
                    const std::string& origin) {
  auto unit = unit_of_key(key);
  if (!unit || prices_.find(key) == prices_.end()) {
    const std::string guess = closest_match(key, keys());
    r.error(pointer, "unknown price key \"" + printable_ascii(key) + "\"",
            guess.empty() ? "see `capsim prices` for every key" : "did you mean \"" + guess + "\"?");
    return;
  }
  if (auto p = read_fact(value, *unit, r, pointer, key, origin, true)) {
    prices_[key] = *p;
    index();
  }
}

int PriceBook::scale(const std::string& key_prefix, PriceUnit unit, double factor) {
  int scaled = 0;
  for (auto& [key, p] : prices_) {
    if (p.unit != unit || !key.starts_with(key_prefix)) continue;
    p.value *= factor;
    p.use.text += " x" + units::format_count(factor);
    p.use.origin = "what-if";
    ++scaled;
  }
  if (scaled > 0) index();
  return scaled;
}

const Price* PriceBook::find(const std::string& key) const {
  auto it = prices_.find(key);
  return it == prices_.end() ? nullptr : &it->second;
}

const Price& PriceBook::at(const std::string& key) const {
  if (const Price* p = find(key)) return *p;
  throw InputError({{"price book", "", "no price for \"" + key + "\"",
                     "add it to a price-book file (\"price_books\") or to the study's \"prices\""}});
}

std::vector<std::string> PriceBook::keys() const {
  std::vector<std::string> out;
  out.reserve(prices_.size());
  for (const auto& [k, p] : prices_) out.push_back(k);
  return out;
}

const CloudInstance* PriceBook::instance(const std::string& id) const {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : &it->second;
}

std::vector<std::string> PriceBook::instance_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, inst] : instances_) out.push_back(id);
  return out;
}

const ServerType* PriceBook::server(const std::string& gpu) const {
  auto it = servers_.find(gpu);
  return it == servers_.end() ? nullptr : &it->second;
}

std::optional<std::pair<double, const CloudInstance*>> PriceBook::cheapest_gpu_hour(const std::string& gpu,
                                                                                   const std::string& pricing) const {
  std::optional<std::pair<double, const CloudInstance*>> best;
  for (const auto& [id, inst] : instances_) {
    if (inst.gpu != gpu) continue;
    auto it = inst.hourly.find(pricing);
    if (it == inst.hourly.end()) continue;
    const double per_gpu = it->second.value / inst.gpus;
    if (!best || per_gpu < best->first) best = std::make_pair(per_gpu, &inst);
  }
  return best;
}

void PriceBook::index() {
  for (auto& [id, inst] : instances_) {
    inst.hourly.clear();
    inst.spot_interruptions.reset();
    for (const std::string& pricing : kPricings) {
      if (const Price* p = find("cloud/" + id + "/" + pricing)) inst.hourly[pricing] = *p;
    }
    if (const Price* p = find("cloud/" + id + "/spot-interruptions")) inst.spot_interruptions = *p;
  }
  for (auto& [gpu, s] : servers_) {
    if (const Price* p = find("on-prem/server/" + gpu)) s.price = *p;
  }
}

}  // namespace capsim::planner::tco
