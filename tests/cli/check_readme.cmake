# Checks that README.md quotes GOLDEN verbatim (the "capsim run" output block, the validation table).
file(READ ${README} readme)
file(READ ${GOLDEN} golden)
string(FIND "${readme}" "${golden}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "README.md does not quote ${GOLDEN} verbatim; paste the current output into it (quick start, or the validation table)")
endif()
