// Every subcommand's --help ends with an example; usage errors exit 2; the
// bash completion script completes subcommands and -o values.

#include <gtest/gtest.h>

#include "tests/support/command.hpp"

namespace kiln::cli {
namespace {

using testing::run_command;

TEST(KilnHelp, EverySubcommandHasAnExample) {
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{},
                                             {"render"},
                                             {"import"},
                                             {"serve"},
                                             {"package"},
                                             {"status"},
                                             {"keys"},
                                             {"keys", "get"},
                                             {"keys", "rotate"},
                                             {"model"},
                                             {"model", "register"},
                                             {"completion"}}) {
    std::vector<std::string> argv = {KILN_CLI};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.push_back("--help");
    auto r = run_command(argv);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Example"), std::string::npos)
        << ::testing::PrintToString(command) << "\n"
        << r.output;
  }
}

TEST(KilnHelp, UsageErrorsExitTwo) {
  EXPECT_EQ(run_command({KILN_CLI}).exit_code, 2);
  EXPECT_EQ(run_command({KILN_CLI, "frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_command({KILN_CLI, "render"}).exit_code, 2);  // -f is required
  EXPECT_EQ(run_command({KILN_CLI, "render", "-f", "x", "-o", "xml"}).exit_code, 2);
  EXPECT_EQ(run_command({KILN_CLI, "completion", "fish"}).exit_code, 2);
}

TEST(KilnCompletion, BashCompletesSubcommandsAndOutputFormats) {
  const std::string script =
      std::string("source <(") + KILN_CLI +
      " completion bash); "
      "COMP_WORDS=(kiln keys ''); COMP_CWORD=2; _kiln; echo \"[${COMPREPLY[*]}]\"; "
      "COMP_WORDS=(kiln render -o ''); COMP_CWORD=3; _kiln; echo \"[${COMPREPLY[*]}]\"; "
      "COMP_WORDS=(kiln model register --na); COMP_CWORD=3; _kiln; echo \"[${COMPREPLY[*]}]\"";
  auto r = run_command({"bash", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("[get rotate --help -h]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[yaml json]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[--name --namespace]"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kiln::cli
