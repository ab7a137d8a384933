#include "sim/core/atomic_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/core/error.hpp"
#include "sim/core/interrupt.hpp"

namespace capsim {

void write_file_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path tmp = target;
  tmp += ".tmp-" + std::to_string(::getpid());
  // Ctrl-C while it is written removes it (sim/core/interrupt.hpp).
  set_interrupt_temporary_file(tmp.c_str());
  struct Untrack {
    ~Untrack() { set_interrupt_temporary_file(nullptr); }
  } untrack;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + tmp.string() + ": check that the folder exists and is writable");
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw Error("writing " + tmp.string() + " failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error("cannot move the output into place at " + target.string());
  }
}

void prepare_output_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw InputError({{dir, "", "cannot create the output folder" + (ec ? ": " + ec.message() : std::string()),
                       "give --out a folder you can write to"}});
  }
  const fs::path probe = fs::path(dir) / ".capsim-write-test";
  try {
    write_file_atomically(probe.string(), "");
  } catch (const std::exception& e) {
    throw InputError({{dir, "", std::string("cannot write into the output folder: ") + e.what(),
                       "give --out a folder you can write to"}});
  }
  fs::remove(probe, ec);
}

}  // namespace capsim
