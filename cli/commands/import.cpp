// `qdyn import FILE`: converts a ddclient.conf or an inadyn.conf into qdyn profiles, printed or
// written to --output (private, mode 0600 or a private access list: the result may hold
// passwords), and lists on stderr, with its line, every setting it could not convert.
#include <string>

#include "commands/command.hpp"
#include "exit_codes.hpp"
#include "qdyn/config/import.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/private_file.hpp"

namespace qdyn::cli {

namespace {

class ImportCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("import", "Convert a ddclient.conf or inadyn.conf into qdyn profiles");
        sub->add_option("FILE", m_file, "The configuration to convert")->required();
        sub->add_option("--format", m_format, "ddclient or inadyn (default: guessed from the file's name and text)")
            ->check(CLI::IsMember({"ddclient", "inadyn"}));
        sub->add_option("-o,--output", m_output,
                        "Write the profiles to this file (" + std::string(privateFileWords()) + ") instead of stdout");
        sub->add_flag("-f,--force", m_force, "Replace --output when it exists");
        sub->footer(
            "Reads ddclient 3.10 syntax (global key=value lines, host lines with their own settings,\n"
            "continuations, use=/usev4=/usev6= address strategies) or inadyn's (provider and custom\n"
            "sections, period, allow-ipv6, iface, checkip-server). Providers become qdyn catalog rows where\n"
            "one matches, inadyn's custom sections protocol custom, address strategies detect sources.\n"
            "Every setting that has no equivalent is listed on stderr as FILE:LINE: ...; the profiles\n"
            "printed always load. Review them, then append them to your profile file or use --output.\n"
            "Exit codes: 0 converted (notes or not), 1 --output could not be written, 2 the file cannot\n"
            "be read or parsed, nothing in it could be converted, or --output exists (use --force).\n"
            "Example: qdyn import /etc/ddclient.conf -o ~/.config/qdyn/profiles.toml");
        return sub;
    }

    int run(Streams& io) override {
        auto text = config::readProfileFile(m_file);
        if (!text || !text->has_value()) {
            io.err << "qdyn import: " << (text ? "cannot read " + m_file : text.message()) << '\n';
            return kExitUsage;
        }
        const config::ImportFormat format = m_format.empty() ? config::guessImportFormat(m_file, **text)
                                                             : *config::parseImportFormat(m_format);
        config::ImportResult result;
        if (format == config::ImportFormat::Inadyn) {
            auto imported = config::importInadyn(**text);
            if (!imported) {
                io.err << "qdyn import: " << m_file << ": " << imported.message() << " (read as inadyn.conf)\n";
                return kExitUsage;
            }
            result = std::move(*imported);
        } else {
            result = config::importDdclient(**text);
        }
        for (const auto& note : result.notConverted) {
            io.err << m_file << ":" << note.line << ": " << note.text << '\n';
        }
        auto rendered = config::renderImport(result, m_file, format);
        if (!rendered) {
            io.err << "qdyn import: " << rendered.message() << " (read as " << config::toString(format) << ".conf)\n";
            return kExitUsage;
        }
        // The importer checked each profile; the whole file is checked too before anyone sees it.
        if (auto loads = config::parseProfiles(*rendered, "import"); !loads) {
            io.err << "qdyn import: internal error, the converted profiles do not load: " << loads.message() << '\n';
            return kExitInternal;
        }
        if (m_output.empty()) {
            io.out << *rendered;
        } else if (const int written = write(*rendered, io); written != kExitOk) {
            return written;
        }
        io.err << "qdyn import: converted " << result.profiles.size() << " profile"
               << (result.profiles.size() == 1 ? "" : "s") << " from " << m_file << " ("
               << config::toString(format) << "); " << result.notConverted.size() << " note"
               << (result.notConverted.size() == 1 ? "" : "s") << " above\n";
        return kExitOk;
    }

private:
    int write(const std::string& text, Streams& io) const {
        const std::filesystem::path path(m_output);
        std::error_code error;
        const bool exists = std::filesystem::exists(path, error);
        if (exists && !m_force) {
            io.err << "qdyn import: " << m_output << " exists; use --force to replace it\n";
            return kExitUsage;
        }
        // Always private (0600, or on Windows the private access list), even when replacing a file
        // that was readable: it may hold passwords.
        if (auto written = config::writeFileAtomically(path, text, std::nullopt, 0600); !written) {
            io.err << "qdyn import: " << written.message() << '\n';
            return kExitInternal;
        }
        io.err << "qdyn import: wrote " << m_output << " (" << privateFileWords() << ")\n";
        return kExitOk;
    }

    std::string m_file;
    std::string m_format;
    std::string m_output;
    bool m_force = false;
};

}  // namespace

std::unique_ptr<Command> makeImportCommand() { return std::make_unique<ImportCommand>(); }

}  // namespace qdyn::cli
