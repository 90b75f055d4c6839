# Turns a text file into a C++ translation unit defining `const char* const NAME`.
file(READ ${INPUT} content)
set(delim "KILNFILE")
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT}; do not edit.\n"
  "namespace kiln::reconcilers::environment {\n"
  "extern const char* const ${NAME};\n"
  "const char* const ${NAME} = R\"${delim}(${content})${delim}\";\n"
  "}  // namespace kiln::reconcilers::environment\n")
