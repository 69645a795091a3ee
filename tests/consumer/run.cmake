# Install the build tree to a prefix, then build and run a consumer against it
# (1) through find_package(clshuffle), shared and static, (2) through pkg-config.
file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BIN} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${SRC}/tests/consumer -B ${WORK}/build -DCMAKE_PREFIX_PATH=${prefix})
run(${CMAKE_COMMAND} --build ${WORK}/build)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${prefix}/lib ${WORK}/build/consumer_shared)
run(${WORK}/build/consumer_static)
# pkg-config: shared by default, --static for the archive.
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
execute_process(COMMAND pkg-config --cflags --libs clshuffle OUTPUT_VARIABLE flags
                RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config cannot find clshuffle")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
run(cc -std=c11 ${SRC}/tests/consumer/main.c -o ${WORK}/consumer_pc ${flags})
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${prefix}/lib ${WORK}/consumer_pc)
execute_process(COMMAND pkg-config --static --cflags --libs clshuffle OUTPUT_VARIABLE sflags
                OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(sflags UNIX_COMMAND "${sflags}")
run(cc -std=c11 ${SRC}/tests/consumer/main.c -o ${WORK}/consumer_pc_static
    ${prefix}/lib/libclshuffle.a ${sflags})
run(${WORK}/consumer_pc_static)
