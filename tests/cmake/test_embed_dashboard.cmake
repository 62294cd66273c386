# cmake/embed_dashboard.cmake on small parts: a good page is inlined byte for byte; bad input stops
# with an error that names the problem, and writes nothing.
#   cmake -DSCRIPT=cmake/embed_dashboard.cmake -DWORK=DIR -P tests/cmake/test_embed_dashboard.cmake
cmake_minimum_required(VERSION 3.22)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(STYLE_TAG "<link rel=\"stylesheet\" href=\"style.css\">")
set(SCRIPT_TAG "<script src=\"app.js\"></script>")
file(WRITE "${WORK}/index.html" "<p>a\n${STYLE_TAG}\n<b>\n${SCRIPT_TAG}</p>\n")
file(WRITE "${WORK}/style.css" "p{color:red}\n")
file(WRITE "${WORK}/app.js" "const a = 1; // ; and \\u2013 stay as they are\n")

# Runs the script on (HTML CSS JS) into OUT; sets rc and err in the caller.
function(embed html css js out)
  execute_process(COMMAND ${CMAKE_COMMAND} -DHTML=${html} -DCSS=${css} -DJS=${js} -DOUT=${out} -P ${SCRIPT}
                  RESULT_VARIABLE code ERROR_VARIABLE text)
  set(rc "${code}" PARENT_SCOPE)
  string(REGEX REPLACE "[ \n]+" " " text "${text}")  # CMake wraps its messages
  set(err "${text}" PARENT_SCOPE)
endfunction()

# One refused input: a non-zero exit, `expected` in the error, no output file.
function(expect_refused name expected html css js)
  set(out "${WORK}/${name}.cpp")
  embed("${html}" "${css}" "${js}" "${out}")
  if(rc EQUAL 0)
    message(FATAL_ERROR "${name}: accepted (exit 0), expected a refusal naming '${expected}'")
  endif()
  string(FIND "${err}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${name}: the error does not say '${expected}': ${err}")
  endif()
  if(EXISTS "${out}")
    message(FATAL_ERROR "${name}: refused, yet wrote ${out}")
  endif()
endfunction()

# The good case: the page is index.html with each tag replaced by its part, inside the raw string.
embed("${WORK}/index.html" "${WORK}/style.css" "${WORK}/app.js" "${WORK}/good.cpp")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "good parts refused: ${err}")
endif()
file(READ "${WORK}/good.cpp" cpp)
set(page "<p>a\n<style>\np{color:red}\n</style>\n<b>\n<script>\nconst a = 1; // ; and \\u2013 stay as they are\n</script></p>\n")
string(FIND "${cpp}" "R\"LOOPCAST_DASH(${page})LOOPCAST_DASH\"" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the generated source does not hold the inlined page:\n${cpp}")
endif()

expect_refused(missing_css "CSS file '${WORK}/nope.css' does not exist" "${WORK}/index.html" "${WORK}/nope.css" "${WORK}/app.js")
expect_refused(missing_html "HTML file '${WORK}/nope.html' does not exist" "${WORK}/nope.html" "${WORK}/style.css" "${WORK}/app.js")
file(WRITE "${WORK}/delimiter.js" "const s = ')LOOPCAST_DASH\"'\n")
expect_refused(delimiter "contains ')LOOPCAST_DASH\"'" "${WORK}/index.html" "${WORK}/style.css" "${WORK}/delimiter.js")
file(WRITE "${WORK}/end_tag.js" "document.write('</SCRIPT>')\n")
expect_refused(end_tag "contains '</script'" "${WORK}/index.html" "${WORK}/style.css" "${WORK}/end_tag.js")
file(WRITE "${WORK}/no_style.html" "<p>${SCRIPT_TAG}</p>\n")
expect_refused(no_style "has no ${STYLE_TAG}" "${WORK}/no_style.html" "${WORK}/style.css" "${WORK}/app.js")
file(WRITE "${WORK}/two_scripts.html" "${STYLE_TAG}${SCRIPT_TAG}${SCRIPT_TAG}\n")
expect_refused(two_scripts "has ${SCRIPT_TAG} more than once" "${WORK}/two_scripts.html" "${WORK}/style.css" "${WORK}/app.js")
message(STATUS "embed_dashboard: the good page inlined, 6 bad inputs refused")
