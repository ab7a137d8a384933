# Checks that README.md quotes GOLDEN verbatim inside its "capsim run" output block.
file(READ ${README} readme)
file(READ ${GOLDEN} golden)
string(FIND "${readme}" "${golden}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "README.md does not quote ${GOLDEN} verbatim; paste the current output into its quick start")
endif()
