#include "models/hardware/precision.hpp"

#include <array>
#include <string>

namespace capsim::hw {
namespace {

struct PrecisionInfo {
  Precision precision;
  std::string_view name;
  double bytes;
};

// tf32 is a math mode over fp32 storage, so it takes 4 bytes per element.
constexpr std::array<PrecisionInfo, 8> kPrecisions = {{
    {Precision::fp32, "fp32", 4.0},
    {Precision::tf32, "tf32", 4.0},
    {Precision::fp16, "fp16", 2.0},
    {Precision::bf16, "bf16", 2.0},
    {Precision::fp8, "fp8", 1.0},
    {Precision::fp4, "fp4", 0.5},
    {Precision::int8, "int8", 1.0},
    {Precision::int4, "int4", 0.5},
}};

const PrecisionInfo* info(Precision p) {
  for (const auto& entry : kPrecisions) {
    if (entry.precision == p) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(Precision p) {
  const PrecisionInfo* entry = info(p);
  return entry ? entry->name : "unknown";
}

std::optional<Precision> precision_from_string(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "e4m3" || lower == "e5m2") return Precision::fp8;
  for (const auto& entry : kPrecisions) {
    if (entry.name == lower) return entry.precision;
  }
  return std::nullopt;
}

double bytes_per_element(Precision p) {
  const PrecisionInfo* entry = info(p);
  return entry ? entry->bytes : 0.0;
}

}  // namespace capsim::hw
