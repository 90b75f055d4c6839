# Turns a Python source file into a C++ translation unit holding it as a
# string named SYMBOL (default kRuntimeSource).
if(NOT SYMBOL)
  set(SYMBOL kRuntimeSource)
endif()
file(READ ${INPUT} content)
set(delim "KILNPY")
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT}; do not edit.\n"
  "namespace kiln::serve::python {\n"
  "extern const char* const ${SYMBOL};\n"
  "const char* const ${SYMBOL} = R\"${delim}(${content})${delim}\";\n"
  "}  // namespace kiln::serve::python\n")
