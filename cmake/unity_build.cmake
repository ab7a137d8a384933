# Unity (jumbo) builds for CapSim's own libraries and programs: CMake compiles each target's sources in batches of
# eight as one translation unit, so the headers every file includes (the scenario types, nlohmann/json, fmt, Qt)
# are parsed and their templates instantiated once per batch instead of once per file. On the 2-core CI machine
# the network library went from 61 s of compiler time to 13 s. It asks one thing of the code: names in a file's
# anonymous namespace must not collide with another file's of the same target (share a constant through a
# header instead of copying it). Turn it off with -DCAPSIM_UNITY_BUILD=OFF to build file by file.
# The test programs stay file by file: their fixtures and helpers are local by design.
option(CAPSIM_UNITY_BUILD "Compile each library's sources in batches (CMake unity build)" ON)

function(capsim_unity_build)
  if(NOT CAPSIM_UNITY_BUILD)
    return()
  endif()
  foreach(target IN LISTS ARGN)
    if(TARGET ${target})
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    endif()
  endforeach()
endfunction()
