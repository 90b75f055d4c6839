# Test helpers. Two ctest labels:
#   unit     pure logic, no cluster, no network beyond loopback servers the test starts
#   cluster  needs the real control plane; started once per ctest run by the
#            `cluster` fixture (tests/CMakeLists.txt) and torn down after
include(GoogleTest)

# kiln_unit_test(NAME SOURCES... LIBS ...)
function(kiln_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
endfunction()

# kiln_cluster_test(NAME SOURCES... LIBS ...): each test case runs in its own
# namespace of the shared control plane.
# With KILN_CLUSTER_TESTS=OFF (the ASan+UBSan build of scripts/test.sh, which
# runs no cluster test) the executable is defined but not built by default, so
# the CMakeLists that add properties to it need no guard.
option(KILN_CLUSTER_TESTS "Build and register the cluster tests" ON)
function(kiln_cluster_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT KILN_CLUSTER_TESTS)
    add_executable(${name} EXCLUDE_FROM_ALL ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} kiln_test_support GTest::gtest GTest::gtest_main)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} kiln_test_support GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name}
    PROPERTIES LABELS cluster FIXTURES_REQUIRED cluster
               ENVIRONMENT "KILN_CLUSTER_DIR=${KILN_TEST_CLUSTER_DIR}"
               TIMEOUT 600
    DISCOVERY_TIMEOUT 60)
endfunction()

# Adds every immediate subdirectory of `dir` that has a CMakeLists.txt, so
# components can be added without editing a shared list.
function(kiln_add_subdirectories dir)
  file(GLOB children LIST_DIRECTORIES true RELATIVE "${dir}" "${dir}/*")
  list(SORT children)
  foreach(child ${children})
    if(EXISTS "${dir}/${child}/CMakeLists.txt")
      add_subdirectory("${dir}/${child}")
    endif()
  endforeach()
endfunction()
