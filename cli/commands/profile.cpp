// `qdyn profile`: the group of list, show, add, remove and test. Each member is its own class in
// its own file (profile_*.cpp); this file only joins them under one subcommand.
#include <vector>

#include "commands/command.hpp"
#include "commands/profile_common.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli {

namespace {

class ProfileCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("profile", "List, show, add, remove and test the profiles of the profile file");
        sub->require_subcommand(1);
        sub->footer("Run 'qdyn profile COMMAND --help' for each one's options.");
        for (auto factory : {profiles::makeListCommand, profiles::makeShowCommand, profiles::makeAddCommand,
                             profiles::makeRemoveCommand, profiles::makeTestCommand}) {
            m_members.push_back(factory());
            m_subcommands.push_back(m_members.back()->add(*sub));
        }
        return sub;
    }

    int run(Streams& io) override {
        for (std::size_t i = 0; i < m_members.size(); ++i) {
            if (m_subcommands[i]->parsed()) return m_members[i]->run(io);
        }
        return kExitUsage;
    }

private:
    std::vector<std::unique_ptr<Command>> m_members;
    std::vector<CLI::App*> m_subcommands;
};

}  // namespace

std::unique_ptr<Command> makeProfileCommand() { return std::make_unique<ProfileCommand>(); }

}  // namespace qdyn::cli
