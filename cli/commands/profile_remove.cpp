// `qdyn profile remove NAME`: takes one [profile.NAME] section (its sub-tables and the comments
// right above them) out of the profile file and leaves every other byte alone, after checking
// that the rest still loads.
#include <string>

#include "commands/profile_common.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli::profiles {

namespace {

class RemoveCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("remove", "Remove a profile from the profile file (the rest is left as it is)");
        sub->add_option("NAME", m_name, "The profile")->required();
        sub->add_option("-c,--config", m_config, kConfigHelp);
        sub->add_flag("-n,--dry-run", m_dryRun, "Print the file as it would be, write nothing");
        sub->footer("The section goes with its sub-tables and the comment lines right above it. A profile\n"
                    "written as an inline table or with dotted keys is refused: edit the file by hand.\n"
                    "Exit codes: 0 removed, 1 the file could not be written, 2 no such profile or it cannot be\n"
                    "removed (the last one, or the file does not load).");
        return sub;
    }

    int run(Streams& io) override {
        const std::filesystem::path path = configPath(m_config);
        auto current = config::readProfileFile(path);
        if (!current || !current->has_value()) {
            io.err << "qdyn profile remove: "
                   << (current ? "there is no profile file " + path.string() : current.message()) << '\n';
            return kExitUsage;
        }
        auto after = config::removeProfileText(**current, m_name, path.string(), path.parent_path());
        if (!after) {
            io.err << "qdyn profile remove: " << after.message() << '\n';
            return kExitUsage;
        }
        if (m_dryRun) {
            io.out << *after;
            return kExitOk;
        }
        if (auto written = config::writeFileAtomically(path, *after, **current); !written) {
            io.err << "qdyn profile remove: " << written.message() << '\n';
            return kExitInternal;
        }
        io.out << "removed profile " << m_name << " from " << path.string() << '\n';
        return kExitOk;
    }

private:
    std::string m_name;
    std::string m_config;
    bool m_dryRun = false;
};

}  // namespace

std::unique_ptr<Command> makeRemoveCommand() { return std::make_unique<RemoveCommand>(); }

}  // namespace qdyn::cli::profiles
