// `qdyn completion bash|zsh|fish`: a completion script for the shell, written from the command
// tree itself (every command, subcommand and option with its description), so it never falls
// behind the program. Packages install all three (cli/CMakeLists.txt); by hand:
//   bash: source <(qdyn completion bash)     zsh: qdyn completion zsh > ~/.zfunc/_qdyn
//   fish: qdyn completion fish > ~/.config/fish/completions/qdyn.fish
#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli {

namespace {

struct OptionInfo {
    std::vector<std::string> names;  // "--config", "-c"
    std::string description;
    bool takesValue = false;
};

// One level of the command tree: "" for qdyn itself, "/profile/add" for `qdyn profile add`.
struct Level {
    std::string path;
    std::vector<std::pair<std::string, std::string>> commands;  // name, description
    std::vector<OptionInfo> options;
};

void collect(CLI::App& app, const std::string& path, std::vector<Level>& levels) {
    Level level{path, {}, {}};
    for (const CLI::Option* option : app.get_options()) {
        if (option->get_positional()) continue;
        OptionInfo info;
        for (const auto& name : option->get_lnames()) info.names.push_back("--" + name);
        for (const auto& name : option->get_snames()) info.names.push_back("-" + name);
        if (info.names.empty()) continue;
        info.description = option->get_description();
        info.takesValue = option->get_expected_max() > 0;  // flags expect nothing
        level.options.push_back(std::move(info));
    }
    const auto children = app.get_subcommands([](CLI::App*) { return true; });
    for (const CLI::App* child : children) level.commands.emplace_back(child->get_name(), child->get_description());
    levels.push_back(std::move(level));
    for (CLI::App* child : children) collect(*child, path + "/" + child->get_name(), levels);
}

// Quoted for a POSIX shell (also zsh and fish): single quotes, each ' as '\''.
std::string shellQuoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string joined(const std::vector<std::string>& words, std::string_view separator = " ") {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : std::string(separator)) + word;
    return out;
}

// The case patterns that move the walk one command deeper, e.g. "/profile|/profile/add".
std::string commandPaths(const std::vector<Level>& levels) {
    std::vector<std::string> paths;
    for (const auto& level : levels) {
        if (!level.path.empty()) paths.push_back(level.path);
    }
    return joined(paths, "|");
}

// Every option that takes a value, as case patterns of "COMMAND-PATH:OPTION" (an option may take
// a value in one command and be a flag in another); its value is a file or free text, which the
// shell's own completion offers.
std::string valuedOptions(const std::vector<Level>& levels) {
    std::vector<std::string> out;
    for (const auto& level : levels) {
        for (const auto& option : level.options) {
            if (!option.takesValue) continue;
            for (const auto& name : option.names) out.push_back(level.path + ":" + name);
        }
    }
    return joined(out, "|");
}

void bash(const std::vector<Level>& levels, std::ostream& out) {
    out << "# bash completion for qdyn (written by `qdyn completion bash`)\n"
           "_qdyn() {\n"
           "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" at=\"\" i words\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        case \"$at/${COMP_WORDS[i]}\" in\n"
           "            "
        << commandPaths(levels)
        << ") at=\"$at/${COMP_WORDS[i]}\" ;;\n"
           "        esac\n"
           "    done\n"
           "    # An option's value: the shell's own completion (files), from `complete -o default`.\n"
           "    case \"$at:$prev\" in\n"
           "        "
        << valuedOptions(levels) << ") return 0 ;;\n"
           "    esac\n"
           "    case \"$at\" in\n";
    for (const auto& level : levels) {
        std::vector<std::string> words;
        for (const auto& [name, description] : level.commands) words.push_back(name);
        for (const auto& option : level.options) words.insert(words.end(), option.names.begin(), option.names.end());
        out << "        " << shellQuoted(level.path) << ") words=" << shellQuoted(joined(words)) << " ;;\n";
    }
    out << "    esac\n"
           "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
           "}\n"
           "complete -o default -F _qdyn qdyn\n";
}

// zsh's _describe takes "word:description"; a colon in the word would end it.
std::string zshEntry(const std::string& word, const std::string& description) {
    std::string escaped;
    for (char c : word) escaped += c == ':' ? std::string("\\:") : std::string(1, c);
    return shellQuoted(escaped + ":" + description);
}

void zsh(const std::vector<Level>& levels, std::ostream& out) {
    out << "#compdef qdyn\n"
           "# zsh completion for qdyn (written by `qdyn completion zsh`)\n"
           "_qdyn() {\n"
           "    local i at=\"\"\n"
           "    local -a candidates\n"
           "    for ((i = 2; i < CURRENT; i++)); do\n"
           "        case \"$at/${words[i]}\" in\n"
           "            ("
        << commandPaths(levels)
        << ") at=\"$at/${words[i]}\" ;;\n"
           "        esac\n"
           "    done\n"
           "    case \"$at:${words[CURRENT-1]}\" in\n"
           "        ("
        << valuedOptions(levels) << ") _files; return ;;\n"
           "    esac\n"
           "    case \"$at\" in\n";
    for (const auto& level : levels) {
        out << "        (" << shellQuoted(level.path) << ") candidates=(";
        for (const auto& [name, description] : level.commands) out << "\n            " << zshEntry(name, description);
        for (const auto& option : level.options) {
            for (const auto& name : option.names) out << "\n            " << zshEntry(name, option.description);
        }
        out << ") ;;\n";
    }
    out << "    esac\n"
           "    _describe 'qdyn' candidates\n"
           "}\n"
           "_qdyn \"$@\"\n";
}

void fish(const std::vector<Level>& levels, std::ostream& out) {
    out << "# fish completion for qdyn (written by `qdyn completion fish`)\n"
           "complete -c qdyn -f\n";
    for (const auto& level : levels) {
        // The condition for this level: qdyn itself before any command, else its last command seen.
        std::string condition;
        if (level.path.empty()) {
            condition = "__fish_use_subcommand";
        } else {
            const auto last = level.path.substr(level.path.rfind('/') + 1);
            condition = "__fish_seen_subcommand_from " + last;
            std::vector<std::string> below;
            for (const auto& [name, description] : level.commands) below.push_back(name);
            if (!below.empty()) condition += "; and not __fish_seen_subcommand_from " + joined(below);
        }
        for (const auto& [name, description] : level.commands) {
            out << "complete -c qdyn -n " << shellQuoted(condition) << " -a " << shellQuoted(name) << " -d " << shellQuoted(description)
                << "\n";
        }
        for (const auto& option : level.options) {
            out << "complete -c qdyn -n " << shellQuoted(condition);
            for (const auto& name : option.names) {
                out << (name.rfind("--", 0) == 0 ? " -l " : " -s ") << name.substr(name.find_first_not_of('-'));
            }
            if (option.takesValue) out << " -r -F";
            out << " -d " << shellQuoted(option.description) << "\n";
        }
    }
}

class CompletionCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        m_root = &app;
        CLI::App* sub = app.add_subcommand("completion", "Print a completion script for bash, zsh or fish");
        sub->add_option("shell", m_shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
        sub->footer("Packages install all three. By hand:\n"
                    "  bash: source <(qdyn completion bash)   (e.g. in ~/.bashrc)\n"
                    "  zsh:  qdyn completion zsh > \"${fpath[1]}/_qdyn\"\n"
                    "  fish: qdyn completion fish > ~/.config/fish/completions/qdyn.fish");
        return sub;
    }

    int run(Streams& io) override {
        std::vector<Level> levels;
        collect(*m_root, "", levels);
        if (m_shell == "bash") {
            bash(levels, io.out);
        } else if (m_shell == "zsh") {
            zsh(levels, io.out);
        } else {
            fish(levels, io.out);
        }
        return kExitOk;
    }

private:
    CLI::App* m_root = nullptr;
    std::string m_shell;
};

}  // namespace

std::unique_ptr<Command> makeCompletionCommand() { return std::make_unique<CompletionCommand>(); }

}  // namespace qdyn::cli
