// `capsim calibrate`: runs the CUDA calibration kernels (kernels/) or reads their recorded output, fits a
// calibration profile and writes it atomically.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "models/hardware/calibration_fit.hpp"
#include "models/hardware/gemm_csv_import.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/network/nccl_tests_import.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/error.hpp"

namespace capsim::cli {

namespace {

namespace fs = std::filesystem;

/// Exit code of capsim-bench-* when there is no CUDA device (kernels/README.md).
constexpr int kNoDeviceExit = 3;

/// The benchmark next to the capsim binary (build/cli/capsim -> build/kernels/), else on PATH; "" if neither.
std::string find_kernel(const std::string& name) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& dir : {self.parent_path(), self.parent_path().parent_path() / "kernels"}) {
      if (fs::exists(dir / name, ec)) return (dir / name).string();
    }
  }
  const char* path = std::getenv("PATH");
  std::string rest = path != nullptr ? path : "";
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const fs::path candidate = fs::path(rest.substr(0, colon)) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    rest = colon == std::string::npos ? "" : rest.substr(colon + 1);
  }
  return {};
}

/// Runs one benchmark into `out`; returns its exit status.
int run_kernel(const std::string& exe, bool quick, const fs::path& out) {
  const std::string cmd = "'" + exe + "'" + (quick ? " --quick" : "") + " --out '" + out.string() + "'";
  std::cerr << "capsim calibrate: running " << cmd << '\n';
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/// The catalog GPU whose id family ("h100", "a100", ...) the device name contains, when exactly one does.
std::string guess_gpu(const std::string& device) {
  std::string lower;
  for (char c : device) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string found;
  for (const std::string& id : hw::GpuCatalog::builtin().ids()) {
    const std::string family = id.substr(0, id.find('-'));
    if (lower.find(family) == std::string::npos) continue;
    if (!found.empty()) return {};
    found = id;
  }
  return found;
}

/// One program of the suite: GEMM and memory are required; the others run when they were built (cuDNN and NCCL
/// headers present at build time) and report for themselves what they could not measure.
struct SuiteProgram {
  const char* exe;
  const char* output;
  bool required;
};

constexpr SuiteProgram kSuite[] = {
    {"capsim-bench-gemm", "gemm.json", true},        {"capsim-bench-memory", "memory.json", true},
    {"capsim-bench-ops", "ops.json", false},         {"capsim-bench-attention", "attention.json", false},
    {"capsim-bench-nccl", "nccl.json", false},
};

/// Runs every program of the suite into `dir`; returns the files written, or nothing when there is no CUDA device
/// (after saying so). Throws UsageError when the required programs were not built.
std::vector<std::string> run_suite(bool quick, const fs::path& dir) {
  struct Run {
    std::string exe;
    fs::path out;
    bool required;
  };
  std::vector<Run> runs;
  for (const SuiteProgram& program : kSuite) {
    const std::string exe = find_kernel(program.exe);
    if (!exe.empty()) {
      runs.push_back({exe, dir / program.output, program.required});
    } else if (program.required) {
      throw UsageError(std::string(program.exe) +
                       " was not found next to capsim or on PATH; build it (CMake builds kernels/ when nvcc is "
                       "found) or fit recorded files with --from");
    } else {
      std::cerr << "capsim calibrate: " << program.exe << " was not built (its library headers were missing when "
                << "kernels/ was built); its measurements are left out\n";
    }
  }
  fs::create_directories(dir);
  std::vector<std::string> written;
  for (const auto& [exe, out, required] : runs) {
    const int rc = run_kernel(exe, quick, out);
    if (rc == kNoDeviceExit && !fs::exists(out)) {
      std::cerr << "capsim calibrate: no CUDA device found (" << exe << " exited 3).\n"
                << "  Run it on a GPU node, or record there with capsim-bench-gemm --out gemm.json and\n"
                << "  capsim-bench-memory --out memory.json, then here: capsim calibrate --from gemm.json "
                   "memory.json --gpu ID --out PROFILE.json\n";
      return {};
    }
    if (!fs::exists(out)) {
      const std::string what = fmt::format("{} exited {} without writing {}", exe, rc, out.string());
      if (required) throw Error(what);
      std::cerr << "capsim calibrate: " << what << "; its measurements are left out\n";
      continue;
    }
    if (rc != 0) std::cerr << "capsim calibrate: " << exe << " exited " << rc << "; fitting what it measured\n";
    written.push_back(out.string());
  }
  return written;
}

void print_profile(const hw::CalibrationProfile& p, std::ostream& out) {
  out << fmt::format("Calibration profile for {} ({}, {}){}\n", p.gpu, p.provenance.device, p.provenance.timestamp,
                     p.provenance.synthetic ? " [sample/synthetic input, not a measurement]" : "");
  out << fmt::format("  {:<6} {:>7} {:>8} {:>10} {:>10} {:>7} {:>9} {:>9} {:>10}\n", "GEMM", "points", "cap",
                     "half_k", "overhead", "best", "rms err", "max err", "sustained");
  for (const auto& [precision, f] : p.gemm) {
    out << fmt::format("  {:<6} {:>7} {:>7.1f}% {:>10.0f} {:>8.1f}us {:>4.0f} TF {:>8.2f}% {:>8.2f}% {:>9.1f}%\n",
                       hw::to_string(precision), f.points, f.cap * 100, f.half_k, f.overhead_s * 1e6, f.best_tflops,
                       f.rms_rel_error * 100, f.max_rel_error * 100, f.sustained_ratio * 100);
  }
  if (p.hbm_achieved_Bps() > 0) {
    out << fmt::format("  HBM copy {:.2f} TB/s, triad {:.2f} TB/s\n", p.hbm_copy_Bps / 1e12, p.hbm_triad_Bps / 1e12);
  }
  if (p.elementwise_Bps > 0) {
    out << fmt::format("  norms and element-wise ops {:.2f} TB/s (median)\n", p.elementwise_Bps / 1e12);
  }
  if (p.h2d_Bps > 0) out << fmt::format("  host->device {:.1f} GB/s, device->host {:.1f} GB/s\n", p.h2d_Bps / 1e9,
                                        p.d2h_Bps / 1e9);
  if (!p.attention.empty()) {
    out << fmt::format("  flash attention (causal, bf16): forward {:.1f}%, backward {:.1f}% of peak "
                       "(best {:.0f} / {:.0f} TF)\n",
                       p.attention.fwd_efficiency * 100, p.attention.bwd_efficiency * 100,
                       p.attention.best_fwd_tflops, p.attention.best_bwd_tflops);
  }
  if (!p.power.empty()) {
    out << fmt::format("  board power: idle {:.0f} W, GEMM {:.0f} W, HBM-bound {:.0f} W (limit {:.0f} W); "
                       "SM clock under GEMM {:.2f} of {:.2f} GHz\n",
                       p.power.idle_W, p.power.gemm_W, p.power.hbm_W, p.power.power_limit_W,
                       p.power.gemm_sm_clock_Hz / 1e9, p.power.max_sm_clock_Hz / 1e9);
  }
  if (p.p2p_Bps > 0) out << fmt::format("  peer-to-peer {:.0f} GB/s\n", p.p2p_Bps / 1e9);
  for (const auto& c : p.collectives) {
    out << fmt::format("  {} on {} GPUs / {} nodes: {} sizes from {}\n", c.op, c.ranks, c.nodes, c.bytes.size(),
                       c.source);
  }
}

}  // namespace

CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& o) {
  auto* cmd = app.add_subcommand("calibrate", "Measure this node's GPU (or read recorded measurements) and fit a "
                                              "calibration profile");
  cmd->add_option("--out", o.out, "Profile to write (capsim/calibration-profile/v1)")->required();
  cmd->add_flag("--quick", o.quick, "Smoke run of the kernels: fewer shapes and repeats (not a calibration)");
  cmd->add_option("--from", o.from, "Fit recorded capsim-bench-* outputs instead of running the kernels");
  cmd->add_option("--gemm-csv", o.gemm_csv, "Also fit GEMM timings from CSV: m,n,k,dtype,time_s[,tflops]");
  cmd->add_option("--nccl-tests", o.nccl_tests, "Also import nccl-tests logs as measured collective curves");
  cmd->add_option("--raw-dir", o.raw_dir, "Keep the kernels' raw measurement files in this folder (default: removed)");
  cmd->add_option("--gpu", o.gpu, "Catalog GPU id the measurements belong to (default: from the device name)");
  return cmd;
}

int calibrate_command(const CalibrateOptions& o) {
  std::vector<std::string> raw_files = o.from;
  fs::path tmp;
  if (raw_files.empty() && o.gemm_csv.empty() && o.nccl_tests.empty()) {
    const fs::path dir =
        o.raw_dir.empty() ? fs::temp_directory_path() / fmt::format("capsim-calibrate-{}", getpid()) : fs::path(o.raw_dir);
    if (o.raw_dir.empty()) tmp = dir;
    raw_files = run_suite(o.quick, dir);
    if (raw_files.empty()) {
      if (!tmp.empty()) fs::remove_all(tmp);
      return static_cast<int>(ExitCode::invalid_input);
    }
  }
  std::vector<hw::RawCalibration> raws;
  std::vector<Diagnostic> found;
  for (const std::string& f : raw_files) {
    try {
      raws.push_back(hw::read_raw_calibration(f));
    } catch (const InputError& e) {
      found.insert(found.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  std::vector<hw::GemmPoint> csv;
  if (!o.gemm_csv.empty()) {
    try {
      csv = hw::read_gemm_csv(o.gemm_csv);
    } catch (const InputError& e) {
      found.insert(found.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!found.empty()) throw InputError(found);
  std::string gpu_id = o.gpu;
  if (gpu_id.empty() && !raws.empty()) gpu_id = guess_gpu(raws.front().provenance.device);
  if (gpu_id.empty()) throw UsageError("name the GPU type with --gpu (catalog id, e.g. h100-sxm5-80gb)");
  if (!raws.empty()) {
    const std::string measured = guess_gpu(raws.front().provenance.device);
    if (!measured.empty() && measured != gpu_id) {
      throw UsageError("the measurements were taken on " + raws.front().provenance.device + " (" + measured +
                       "), not on --gpu " + gpu_id + "; a profile applies to its own GPU type only");
    }
  }
  const hw::GpuSpec* gpu = hw::GpuCatalog::builtin().find(gpu_id);
  if (gpu == nullptr) throw UsageError("unknown GPU \"" + gpu_id + "\"; see models/hardware/catalog/");
  hw::CalibrationProfile profile = hw::fit_profile(*gpu, raws, csv);
  if (!o.gemm_csv.empty()) profile.provenance.inputs.push_back(o.gemm_csv);
  for (const std::string& log : o.nccl_tests) {
    const auto parsed = net::read_nccl_tests(log);
    profile.collectives.push_back(net::measured_curve(parsed));
    profile.provenance.inputs.push_back(log);
    if (profile.provenance.device.empty()) profile.provenance.device = parsed.device;
  }
  if (profile.provenance.device.empty()) profile.provenance.device = gpu->name + " (device not recorded)";
  if (profile.provenance.timestamp.empty()) profile.provenance.timestamp = "unknown";
  profile.file = o.out;
  write_file_atomically(o.out, to_json(profile).dump(2) + "\n");
  if (!tmp.empty()) fs::remove_all(tmp);
  print_profile(profile, std::cout);
  std::cout << "Wrote " << o.out << '\n';
  return 0;
}

}  // namespace capsim::cli
