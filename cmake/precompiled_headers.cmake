# Precompiled headers for the heavy third-party headers nearly every translation unit parses: nlohmann/json,
# fmt and the standard library everywhere, GoogleTest in the tests, Qt and QCustomPlot in the desktop app.
# Parsing them took 2-3 s of each 6-10 s compile on the 2-core CI machine; precompiling them once per target
# keeps the README's test command (and CI) well under its 30 minutes. Turn it off with
# -DCAPSIM_PRECOMPILED_HEADERS=OFF to check that every file still includes what it uses.
option(CAPSIM_PRECOMPILED_HEADERS "Precompile the common third-party headers per target" ON)

set(CAPSIM_PCH_COMMON
  <algorithm> <cmath> <cstdint> <filesystem> <fstream> <functional> <map> <memory> <optional> <sstream>
  <string> <string_view> <utility> <vector>
  <nlohmann/json.hpp> <fmt/format.h>)

# capsim_precompile_headers(KIND target...) where KIND is CORE, TESTS (adds GoogleTest), GUI (adds Qt widgets
# and QCustomPlot) or GUI_TESTS (GUI plus QtTest). Targets that do not exist in this configuration are skipped.
function(capsim_precompile_headers kind)
  if(NOT CAPSIM_PRECOMPILED_HEADERS)
    return()
  endif()
  set(headers ${CAPSIM_PCH_COMMON})
  if(kind STREQUAL "TESTS")
    list(APPEND headers <gtest/gtest.h>)
  elseif(kind STREQUAL "GUI" OR kind STREQUAL "GUI_TESTS")
    list(APPEND headers <QString> <QWidget> <QLabel> <QVBoxLayout> <QHBoxLayout> <QComboBox> <QTableView>
      <QHeaderView> <qcustomplot.h>)
    if(kind STREQUAL "GUI_TESTS")
      list(APPEND headers <QTest> <QSignalSpy>)
    endif()
  elseif(NOT kind STREQUAL "CORE")
    message(FATAL_ERROR "capsim_precompile_headers: unknown kind '${kind}' (CORE, TESTS, GUI or GUI_TESTS)")
  endif()
  foreach(target IN LISTS ARGN)
    if(TARGET ${target})
      target_precompile_headers(${target} PRIVATE ${headers})
    endif()
  endforeach()
endfunction()
