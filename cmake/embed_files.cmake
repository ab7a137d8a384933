# capsim_embed_files(OUTPUT <cpp> FUNCTION <qualified name> FILES <json...>)
# Generates a C++ source defining
#   std::vector<capsim::EmbeddedFile> <FUNCTION>();
# that returns the files' names and contents, so built-in data needs no install path at run time.
function(capsim_embed_files)
  cmake_parse_arguments(ARG "" "OUTPUT;FUNCTION" "FILES" ${ARGN})
  set(abs_files)
  foreach(f IN LISTS ARG_FILES)
    list(APPEND abs_files ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  list(JOIN abs_files "|" files_arg)
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${ARG_OUTPUT} -DFUNCTION=${ARG_FUNCTION} "-DFILES=${files_arg}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files_script.cmake
    DEPENDS ${abs_files} ${PROJECT_SOURCE_DIR}/cmake/embed_files_script.cmake
    COMMENT "Embedding ${ARG_FUNCTION}"
    VERBATIM)
endfunction()
