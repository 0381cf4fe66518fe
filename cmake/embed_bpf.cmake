# Turns one kernel program of bpf_text/ into a C string constant. The shared header is
# pasted in place of its #include so that libbcc gets one self-contained text at run time.
# Called as: cmake -DSRC=... -DHEADER=... -DOUT=... -DNAME=... -P embed_bpf.cmake
file(READ "${SRC}" text)
file(READ "${HEADER}" header)
get_filename_component(header_name "${HEADER}" NAME)
string(REPLACE "#include \"${header_name}\"" "${header}" text "${text}")
# Escape for a C string literal, one source line per literal line.
string(REPLACE "\\" "\\\\" text "${text}")
string(REPLACE "\"" "\\\"" text "${text}")
string(REPLACE "\n" "\\n\"\n\"" text "${text}")
file(WRITE "${OUT}.tmp" "/* Generated from ${SRC}; do not edit. */\n#include \"bpf_texts.h\"\nconst char ${NAME}[] =\n\"${text}\";\n")
file(RENAME "${OUT}.tmp" "${OUT}")
