# Turns a Python source file into a C++ translation unit holding it as a string.
file(READ ${INPUT} content)
set(delim "KILNPY")
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT}; do not edit.\n"
  "namespace kiln::serve::python {\n"
  "extern const char* const kRuntimeSource;\n"
  "const char* const kRuntimeSource = R\"${delim}(${content})${delim}\";\n"
  "}  // namespace kiln::serve::python\n")
