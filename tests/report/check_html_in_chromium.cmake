# Renders the fixture's HTML reports in headless Chromium, as a person would open them, and checks the DOM Chromium
# built: every chart an <svg>, every section heading there, nothing the parser dropped. Screenshots
# (plan-report.png, run-report.png) are left in OUT for people to look at.
#   cmake -DWRITER=capsim_write_report_fixture -DOUT=dir -P check_html_in_chromium.cmake
# Skipped, saying so, only when Chromium is not installed (scripts/setup.sh installs it).
find_program(CHROMIUM NAMES chromium chromium-browser google-chrome)
if(NOT CHROMIUM)
  message("SKIP: chromium is not installed (scripts/setup.sh installs it); the HTML reports were not rendered")
  return()
endif()

file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${WRITER}" "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${WRITER} ${OUT} exited with ${rc}")
endif()

set(flags --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run
          --user-data-dir=${OUT}/chromium-profile)

# render(page svgs headings...): screenshot and DOM of OUT/page.html; the DOM must hold `svgs` <svg> elements and
# every heading as an <h2>.
function(render page svgs)
  set(url "file://${OUT}/${page}.html")
  file(REMOVE "${OUT}/${page}.png")
  execute_process(COMMAND "${CHROMIUM}" ${flags} --window-size=1280,4000 --screenshot=${OUT}/${page}.png "${url}"
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET TIMEOUT 180)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${OUT}/${page}.png")
    message(FATAL_ERROR "chromium could not screenshot ${url} (exit ${rc})")
  endif()
  file(SIZE "${OUT}/${page}.png" png_bytes)
  if(png_bytes LESS 20000)
    message(FATAL_ERROR "${OUT}/${page}.png is only ${png_bytes} bytes: the page rendered blank")
  endif()
  execute_process(COMMAND "${CHROMIUM}" ${flags} --dump-dom "${url}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE dom ERROR_QUIET TIMEOUT 180)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "chromium --dump-dom ${url} exited with ${rc}")
  endif()
  string(REGEX MATCHALL "<svg " found "${dom}")
  list(LENGTH found count)
  if(NOT count EQUAL svgs)
    message(FATAL_ERROR "${page}: Chromium's DOM has ${count} <svg> charts, expected ${svgs}")
  endif()
  foreach(heading IN LISTS ARGN)
    string(FIND "${dom}" "<h2>${heading}</h2>" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${page}: Chromium's DOM has no <h2>${heading}</h2>")
    endif()
  endforeach()
  foreach(banned "<parsererror" "<script")
    string(FIND "${dom}" "${banned}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${page}: Chromium's DOM holds ${banned}")
    endif()
  endforeach()
  message(STATUS "${page}: ${count} charts and every section rendered; screenshot ${OUT}/${page}.png")
endfunction()

render(plan-report 10 "The answer" "Options" "Cumulative cost" "Monthly cost by category" "Sensitivity"
       "Monte Carlo" "Capacity behind the GPU-hours" "Bill of materials" "Assumptions: prices used")
render(run-report 3 "Training: pretrain")
render(fleet-report 2 "The answer" "Allocation" "Queue" "Teams" "Job sizes")
file(REMOVE_RECURSE "${OUT}/chromium-profile")
