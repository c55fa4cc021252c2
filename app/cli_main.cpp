// rlrf: the command-line face of the workbench. Parses the command line and
// dispatches to a registered subcommand; no pipeline logic lives here.
#include "cli/command_registry.h"

#include "core/allocator_tuning.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/runtime_info.h"

#include <cstring>
#include <iostream>

namespace {

void printGeneralHelp(std::ostream &out)
{
    out << "usage: rlrf [--version] [--help] COMMAND [OPTIONS]\n\n"
           "RLRF Workbench on the command line: models, projects and the training loop.\n\n"
           "commands:\n";
    for (const auto *c : rlrf::cli::CommandRegistry::instance().sorted()) {
        std::string name = "  " + c->name;
        name.resize(std::max<size_t>(name.size() + 2, 24), ' ');
        out << name << c->summary << "\n";
    }
    out << "\nglobal options:\n"
           "  --version             versions, BLAS in use, threads, CUDA\n"
           "  --help                this help; `rlrf COMMAND --help` for one command\n";
}

} // namespace

int main(int argc, char **argv)
{
    using namespace rlrf::cli;
    rlrf::keepFreedMemoryForReuse();
    rlrf::log::init(spdlog::level::info);

    if (argc < 2) {
        printGeneralHelp(std::cerr);
        return 2;
    }
    const std::string first = argv[1];
    if (first == "--version" || first == "-V") {
        rlrf::initTorchRuntime();
        std::cout << rlrf::formatRuntimeInfo(rlrf::runtimeInfo());
        return 0;
    }
    if (first == "--help" || first == "-h" || first == "help") {
        printGeneralHelp(std::cout);
        return 0;
    }

    // Two-word commands ("project new") win over one-word ones.
    const auto &registry = CommandRegistry::instance();
    const CommandSpec *spec = nullptr;
    int firstArg = 2;
    if (argc > 2 && (spec = registry.find(first + " " + argv[2])))
        firstArg = 3;
    else
        spec = registry.find(first);
    if (!spec) {
        std::cerr << "rlrf: unknown command '" << first << "'\n\n";
        printGeneralHelp(std::cerr);
        return 2;
    }
    for (int i = firstArg; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::cout << commandHelp(*spec);
            return 0;
        }
    }

    try {
        const ParsedArgs args = parseArgs(argc, argv, firstArg, spec->options);
        if (args.positional.size() < spec->minPositional)
            throw UsageError("missing argument");
        if (args.positional.size() > spec->maxPositional)
            throw UsageError("unexpected argument '" + args.positional[spec->maxPositional] + "'");
        rlrf::initTorchRuntime();
        return spec->run(args);
    } catch (const UsageError &e) {
        std::cerr << "rlrf " << spec->name << ": " << e.what() << "\nusage: " << spec->usage
                  << "\n(see rlrf " << spec->name << " --help)\n";
        return 2;
    } catch (const std::exception &e) {
        std::cerr << "rlrf " << spec->name << ": error: " << e.what() << "\n";
        return 1;
    }
}
