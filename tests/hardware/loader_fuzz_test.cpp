// Seeded mutants of the measurement loaders' own corpus (nccl-tests logs, GEMM CSV, Hugging Face configs,
// calibration profiles and raw benchmark documents): each must load or throw capsim::InputError with non-empty
// messages, never crash, hang or throw anything else. The JSON mutator follows tests/planner/scenario_fuzz_test.cpp.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "models/hardware/calibration_fit.hpp"
#include "models/hardware/calibration_profile.hpp"
#include "models/hardware/gemm_csv_import.hpp"
#include "models/network/nccl_tests_import.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/core/error.hpp"

namespace capsim {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

constexpr std::uint64_t kSeed = 0x10adf022026ull;
constexpr int kMutants = 500;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
std::string fixture(const std::string& rel) { return std::string(CAPSIM_TEST_FIXTURES) + "/" + rel; }
std::string source(const std::string& rel) { return std::string(CAPSIM_SOURCE_DIR) + "/" + rel; }

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  /// Truncation, byte flips, a deleted span, inserted junk, or a duplicated, dropped or swapped line.
  std::string text(std::string t) {
    if (t.empty()) return t;
    static const std::vector<std::string> junk = {",",    ",,",  "\"",   "{",  "]",  "-",   "1e999",
                                                  "nan",  "inf", "-1",   "\n", "\t", "N/A", "0x1",
                                                  "\xff", "#",   "\r\n", "e",  ".",  "  ",  "9999999999999999999999"};
    const std::size_t at = index(t.size());
    const int kind = pick(0, 5);
    if (kind == 0) return t.substr(0, at);
    if (kind == 1) {
      for (int i = pick(1, 8); i > 0; --i) t[index(t.size())] = static_cast<char>(pick(0, 255));
      return t;
    }
    if (kind == 2) return t.erase(at, static_cast<std::size_t>(pick(1, 60)));
    if (kind == 3) return t.insert(at, junk[index(junk.size())]);
    std::vector<std::string> lines;  // whole lines: duplicate, drop or swap one
    std::istringstream in(t);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    const std::size_t a = index(lines.size()), b = index(lines.size());
    const auto where = lines.begin() + static_cast<std::ptrdiff_t>(a);
    if (kind == 4) lines.insert(where, lines[b]);
    if (kind == 5) pick(0, 1) == 0 ? (void)lines.erase(where) : std::swap(lines[a], lines[b]);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  /// One to four structural edits: a deleted key or element, a retyped or edge value, a wrapped or doubled array.
  json tree(json doc) {
    for (int i = pick(1, 4); i > 0; --i) edit(doc);
    return doc;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::size_t index(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  json scalar() {
    static const json values = json::parse(R"([null, true, false, 0, -1, 1, 3, 2.5, -0.0, 1e-300, 1e300, -1e300, 1e18,
        4294967296, 2147483648, -9223372036854775808, 18446744073709551615, "", "NaN", "bf16", "fp8", "fp32", "int4",
        "e4m3", "all_reduce", "copy", "triad", "capsim/calibration-raw/v1", "capsim/calibration-profile/v1",
        "h100-sxm5-80gb", "mi300x", "silu", "\u00e9", [], {}])");
    return values[index(values.size())];
  }

  /// Walks down to a random node (mostly a leaf) and deletes, retypes, wraps, doubles or nudges it.
  void edit(json& node) {
    if (node.is_structured() && !node.empty() && pick(0, 3) > 0) {
      const std::size_t i = index(node.size());
      const auto child = std::next(node.begin(), static_cast<std::ptrdiff_t>(i));
      if (pick(0, 5) > 0) return edit(*child);
      if (node.is_object()) return (void)node.erase(child.key());
      return node.erase(i);
    }
    const int how = pick(0, 3);
    if (how == 0 && node.is_number()) {
      static const std::vector<double> factors = {0, -1, 0.5, 1e9, 1e300, -1e-300};
      node = node.get<double>() * factors[index(factors.size())];
    } else if (how == 1 && node.is_array()) {
      const json copy = node;
      for (const auto& e : copy) node.push_back(e);
    } else if (how == 2) {
      node = json::array({node});
    } else {
      node = scalar();
    }
  }

  std::mt19937_64 rng_;
};

/// Mutants tried and rejected by one test; prints both and checks that some were rejected.
struct Tally {
  int tried = 0, rejected = 0;
  ~Tally() {
    std::cout << "[ fuzz     ] " << tried << " mutants, " << rejected << " rejected\n";
    EXPECT_GT(rejected, 0);
  }
};

/// Runs `load` on one mutant: it must return or throw InputError whose diagnostics all carry a message.
void expect_loads_or_explains(const std::function<void()>& load, const std::string& mutant, Tally& tally) {
  ++tally.tried;
  try {
    load();
  } catch (const InputError& e) {
    ++tally.rejected;
    ASSERT_FALSE(e.diagnostics().empty()) << mutant;
    for (const auto& d : e.diagnostics()) ASSERT_FALSE(d.message.empty()) << mutant;
  } catch (const std::exception& e) {
    FAIL() << "threw " << e.what() << " on:\n" << mutant.substr(0, 2000);
  } catch (...) {
    FAIL() << "threw a non-standard exception on:\n" << mutant.substr(0, 2000);
  }
}

/// Fuzzes a text loader with kMutants text mutants of each base.
void fuzz_text(std::uint64_t seed, const std::vector<std::string>& bases,
               const std::function<void(const std::string&)>& load) {
  Mutator m(seed);
  Tally tally;
  for (const auto& base : bases) {
    for (int i = 0; i < kMutants; ++i) {
      const std::string mutant = m.text(base);
      ASSERT_NO_FATAL_FAILURE(expect_loads_or_explains([&] { load(mutant); }, mutant, tally));
    }
  }
}

/// Fuzzes a JSON loader: two thirds structural mutants, one third text mutants (those that still parse, or all of
/// them where `load_text` reads text itself).
void fuzz_json(std::uint64_t seed, const std::vector<std::string>& paths, const std::function<void(const json&)>& load,
               const std::function<void(const std::string&)>& load_text = {}) {
  Mutator m(seed);
  Tally tally;
  for (const auto& path : paths) {
    const std::string text = read_text(path);
    const json doc = json::parse(text);
    for (int i = 0; i < kMutants; ++i) {
      if (i % 3 == 2) {
        const std::string mutant = m.text(text);
        const json parsed = json::parse(mutant, nullptr, /*allow_exceptions=*/false);
        if (load_text) {
          ASSERT_NO_FATAL_FAILURE(expect_loads_or_explains([&] { load_text(mutant); }, mutant, tally));
        } else if (!parsed.is_discarded()) {
          ASSERT_NO_FATAL_FAILURE(expect_loads_or_explains([&] { load(parsed); }, mutant, tally));
        }
      } else {
        const json mutant = m.tree(doc);
        ASSERT_NO_FATAL_FAILURE(expect_loads_or_explains([&] { load(mutant); }, mutant.dump(), tally));
      }
    }
  }
}

/// Writes `text` to a scratch file and calls `read` on its path, so that the file readers' parse errors are covered.
std::function<void(const std::string&)> through_file(const std::string& name,
                                                     std::function<void(const std::string&)> read) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  return [path, read](const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    read(path);
  };
}

TEST(LoaderFuzz, NcclTestsLogMutantsParseOrExplain) {
  const std::string path = fixture("nccl/h100-8gpu-all_reduce.format-sample.txt");
  fuzz_text(kSeed, {read_text(path)}, [&](const std::string& t) {
    const auto log = net::parse_nccl_tests(t, path);
    if (!log.rows.empty()) (void)net::measured_curve(log);
  });
}

TEST(LoaderFuzz, GemmCsvMutantsParseOrExplain) {
  // The corpus: the GEMM sample's measurements as the CSV people export, columns in two orders.
  const json doc = json::parse(read_text(fixture("calibration/gemm_sample.json")));
  std::string a = "# from gemm_sample.json\nm,n,k,dtype,time_s,tflops\n", b = "dtype,time_s,k,n,m\n";
  for (const auto& p : doc["measurements"]) {
    const std::string mnk = p["m"].dump() + "," + p["n"].dump() + "," + p["k"].dump();
    a += mnk + "," + p["dtype"].get<std::string>() + "," + p["time_s"].dump() + "," + p["tflops"].dump() + "\n";
    b += p["dtype"].get<std::string>() + "," + p["time_s"].dump() + "," + p["k"].dump() + "," + p["n"].dump() + "," +
         p["m"].dump() + "\n";
  }
  fuzz_text(kSeed + 1, {a, b}, [](const std::string& t) { (void)hw::parse_gemm_csv(t, "gemm.csv"); });
}

TEST(LoaderFuzz, HfConfigMutantsLoadOrExplain) {
  fuzz_json(kSeed + 2, {fixture("hf/qwen2-0.5b-config.json"), fixture("hf/mixtral-8x7b-config.json")},
            [](const json& j) { (void)workloads::model_from_hf_config(j, "config.json"); });
}

TEST(LoaderFuzz, CalibrationProfileMutantsLoadOrExplain) {
  fuzz_json(
      kSeed + 3, {source("models/hardware/calibration/h100-sxm5-80gb.json")},
      [](const json& j) { (void)hw::profile_from_json(j, "profile.json"); },
      through_file("capsim_profile_fuzz.json", [](const std::string& p) { (void)hw::read_profile(p); }));
}

TEST(LoaderFuzz, RawCalibrationMutantsLoadOrExplain) {
  std::vector<std::string> raws;
  for (const char* name : {"gemm", "memory", "ops", "attention", "nccl", "nccl_1gpu"}) {
    raws.push_back(fixture(std::string("calibration/") + name + "_sample.json"));
  }
  fuzz_json(
      kSeed + 4, raws, [](const json& j) { (void)hw::raw_calibration_from_json(j, "raw.json"); },
      through_file("capsim_raw_fuzz.json", [](const std::string& p) { (void)hw::read_raw_calibration(p); }));
}

}  // namespace
}  // namespace capsim
