# Unity (jumbo) builds for CapSim's own libraries and programs: CMake compiles each target's sources in batches of
# eight as one translation unit, so the headers every file includes (the scenario types, nlohmann/json, fmt, Qt)
# are parsed and their templates instantiated once per batch instead of once per file. On the 2-core CI machine
# the network library went from 61 s of compiler time to 13 s. It asks one thing of the code: names in a file's
# anonymous namespace must not collide with another file's of the same target (share a constant through a
# header instead of copying it). Turn it off with -DCAPSIM_UNITY_BUILD=OFF to build file by file.
# The test programs take the same batches through capsim_unity_build_tests() below, the benchmarks none
# (capsim_file_by_file()).
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

# The test programs too: each test file keeps its helpers in `namespace CAPSIM_UNITY_ID { ... }`, which CMake defines
# to a name unique to the file inside a unity batch (UNITY_BUILD_UNIQUE_ID) and which is empty, so anonymous, when
# files build one by one. The file's tests sit in the same namespace as its helpers.
function(capsim_unity_build_tests)
  foreach(target IN LISTS ARGN)
    if(NOT TARGET ${target})
      continue()
    endif()
    if(CAPSIM_UNITY_BUILD)
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8
        UNITY_BUILD_UNIQUE_ID CAPSIM_UNITY_ID)
    else()
      target_compile_definitions(${target} PRIVATE CAPSIM_UNITY_ID=)
    endif()
  endforeach()
endfunction()

# The benchmarks compile file by file whatever CAPSIM_UNITY_BUILD says: they measure speed, and batching their files
# changed what they measured (capsim_bench's two files in one batch ran the 405B step estimate in 1,283 ns against
# 792 ns apart, the library code the same). Their helpers' namespace is then anonymous, as in any file-by-file build.
function(capsim_file_by_file)
  foreach(target IN LISTS ARGN)
    if(TARGET ${target})
      target_compile_definitions(${target} PRIVATE CAPSIM_UNITY_ID=)
    endif()
  endforeach()
endfunction()
