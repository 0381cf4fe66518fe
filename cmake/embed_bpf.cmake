# Turns one kernel program of bpf_text/ into a C string constant. Every `#include "dir/x.h"`
# is replaced by bpf_text/dir/x.h (recursively, each header once), so that libbcc gets one
# self-contained text at run time; an include that is not found fails the build.
# Called as: cmake -DSRC=... -DINCLUDE_DIR=... -DOUT=... -DNAME=... -P embed_bpf.cmake
cmake_minimum_required(VERSION 3.18)
file(READ "${SRC}" text)
set(pasted "")
while(text MATCHES "#include \"([^\"]+)\"")
  set(name "${CMAKE_MATCH_1}")
  set(directive "#include \"${name}\"")
  if(NOT EXISTS "${INCLUDE_DIR}/${name}")
    message(FATAL_ERROR "${SRC}: ${directive}: no ${INCLUDE_DIR}/${name}")
  endif()
  if(name IN_LIST pasted)
    string(REPLACE "${directive}" "" text "${text}")
  else()
    file(READ "${INCLUDE_DIR}/${name}" header)
    # Only the first occurrence: later ones of the same header become empty above.
    string(FIND "${text}" "${directive}" at)
    string(LENGTH "${directive}" dlen)
    string(SUBSTRING "${text}" 0 ${at} before)
    math(EXPR after_at "${at} + ${dlen}")
    string(SUBSTRING "${text}" ${after_at} -1 after)
    set(text "${before}${header}${after}")
    list(APPEND pasted "${name}")
  endif()
endwhile()
# Escape for a C string literal, one source line per literal line.
string(REPLACE "\\" "\\\\" text "${text}")
string(REPLACE "\"" "\\\"" text "${text}")
string(REPLACE "\n" "\\n\"\n\"" text "${text}")
file(WRITE "${OUT}.tmp" "/* Generated from ${SRC}; do not edit. */\n#include \"engine/bpf_texts.h\"\nconst char ${NAME}[] =\n\"${text}\";\n")
file(RENAME "${OUT}.tmp" "${OUT}")
