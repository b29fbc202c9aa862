#include "app/cli/cli_common.h"
#include "app/cli/cli_sampler_options.h"
#include "core/base/compute_threads.h"

#include "core/base/file_util.h"
#include "core/model/family_registry.h"
#include "core/model/memory_estimate.h"
#include "core/model/model_config.h"
#include "core/model/model_paths.h"
#include "core/sampling/generation_config.h"
#include "core/model/llada_model.h"
#include "core/text/tokenizer.h"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <unistd.h>

namespace dlm {

namespace fs = std::filesystem;

int reportFailure(std::ostream &err, int code, const std::string &message)
{
    // Scripts read the reason from one line; engine messages occasionally span several.
    std::string line = message;
    for (char &c : line) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    err << "dlmstudio-cli: " << line << '\n';
    err.flush();
    return code;
}

Status checkModelDirectory(const std::string &dir)
{
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return Status::failure("model directory " + dir + " does not exist");
    if (!fs::is_directory(dir, ec))
        return Status::failure("model path " + dir + " is not a directory");
    return {};
}

Result<GenerationSettings> resolveSettings(
    const std::string &modelDir, const SettingsOverrides &overrides, ModelFamily family)
{
    const Status exists = checkModelDirectory(modelDir);
    if (!exists)
        return Result<GenerationSettings>::failure(exists.error());
    const SamplerKind sampler = overrides.sampler.value_or(defaultSampler(family));
    const Status applies = checkSamplerOptions(overrides, sampler, family);
    if (!applies)
        return Result<GenerationSettings>::failure(applies.error());
    // generation_config.json belongs to the model: it is read with its family's meanings (Dream's top_k
    // filters, LLaDA's counts alternatives) over the family's defaults, whichever sampler then runs.
    auto base = loadGenerationConfig(modelDir, familyDefaults(family));
    if (!base)
        return Result<GenerationSettings>::failure(base.error());
    base->sampler = sampler;
    const GenerationSettings settings = applyCliSettings(overrides, *base);
    const Status valid = validateSettings(settings);
    if (!valid)
        return Result<GenerationSettings>::failure(valid.error());
    return settings;
}

ComputeDType loadingDType(const std::string &modelDir, const SettingsOverrides &overrides)
{
    if (overrides.dtype)
        return *overrides.dtype;
    // A file this cannot read is reported when the settings are resolved; loading only needs a dtype.
    const auto config = loadGenerationConfig(modelDir, GenerationSettings {});
    return config ? config->dtype : ComputeDType::F32;
}

Result<LoadedModel> loadModel(
    const std::string &dir, ComputeDType dtype, bool tokenizerOptional, const LoadProgress &progress)
{
    using R = Result<LoadedModel>;
    const Status exists = checkModelDirectory(dir);
    if (!exists)
        return R::failure(exists.error());

    // Core's messages usually name a file inside the directory; say which model it was either way.
    const auto failed = [&dir](const std::string &error) {
        return R::failure(error.find(dir) == std::string::npos ? "cannot load model " + dir + ": " + error : error);
    };
    // A config claiming more than the machine holds is refused before any weight is mapped or converted.
    // A config this reader cannot parse is left to the loader, whose message is the one to show.
    if (const auto config = loadModelConfig(joinPath(dir, "config.json")); config) {
        if (const Status fits = checkFitsMemory(*config, dtype, 0, physicalMemoryBytes()); !fits)
            return failed(fits.error());
    }
    if (!tokenizerOptional || loadTokenizer(dir).ok()) {
        auto loaded = loadModelDirectory(dir, dtype, progress);
        if (!loaded)
            return failed(loaded.error());
        return loaded;
    }

    auto loaded = loadModelWeights(dir, dtype, progress);
    if (!loaded)
        return failed(loaded.error());
    return loaded;
}

void warnAboutModelLinks(const std::string &dir, std::ostream &err)
{
    for (const std::string &warning : symlinksLeavingDirectory(dir))
        err << "dlmstudio-cli: warning: " << dir << ": " << warning << '\n';
}

int setThreads(int threads)
{
    setComputeThreads(threads);
    return at::get_num_threads();
}

Status checkWritableFile(const std::string &path, const std::string &what)
{
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_directory(p, ec))
        return Status::failure("cannot write " + what + " to " + path + ": it is a directory");
    // A device, FIFO or socket is refused before a long run, not replaced by a file at its end.
    if (const Status regular = checkOutputPath(path); !regular)
        return Status::failure("cannot write " + what + " to " + regular.error());
    fs::path folder = p.parent_path();
    if (folder.empty())
        folder = ".";
    if (!fs::exists(folder, ec))
        return Status::failure(
            "cannot write " + what + " to " + path + ": folder " + folder.string() + " does not exist");
    if (!fs::is_directory(folder, ec))
        return Status::failure("cannot write " + what + " to " + path + ": " + folder.string() + " is not a folder");
    // Permission bits do not tell the whole story (root, read-only mounts, /proc): create and remove a probe
    // file in the folder, the same place the atomic write puts its temporary file.
    std::string probe = (folder / ".dlmstudio-write-test-XXXXXX").string();
    const int fd = mkstemp(probe.data());
    if (fd < 0)
        return Status::failure(
            "cannot write " + what + " to " + path + ": folder " + folder.string() + " is not writable");
    close(fd);
    unlink(probe.c_str());
    return {};
}

namespace {

/** Runs the command a parsed struct stands for. */
struct Dispatch
{
    const CliCommand &command;
    std::ostream &out;
    std::ostream &err;

    int operator()(const HelpRequest &help) const
    {
        out << help.text;
        return ExitOk;
    }
    int operator()(const VersionRequest &) const
    {
        out << "dlmstudio-cli " << DLM_VERSION << '\n';
        return ExitOk;
    }
    int operator()(const GenerateArgs &a) const { return runGenerate(a, command.terminal, out, err); }
    int operator()(const InfoArgs &a) const { return runInfo(a, out, err); }
    int operator()(const ForwardArgs &a) const { return runForward(a, out, err); }
    int operator()(const BenchArgs &a) const { return runBench(a, out, err); }
    int operator()(const TokenizeArgs &a) const { return runTokenize(a, out, err); }
    int operator()(const TemplateArgs &a) const { return runTemplate(a, out, err); }
    int operator()(const TrainArgs &a) const { return runTrain(a, command.terminal, out, err); }
    int operator()(const EvalArgs &a) const { return runEval(a, out, err); }
    int operator()(const ExportArgs &a) const { return runExport(a, out, err); }
};

} // namespace

int runCommand(const CliCommand &command, std::ostream &out, std::ostream &err)
{
    try {
        return std::visit(Dispatch {command, out, err}, command.args);
    } catch (const std::bad_alloc &) {
        return reportFailure(err, ExitInternal, "out of memory");
    } catch (const std::exception &e) {
        // LibTorch errors carry a C++ backtrace after the first line; the first line is the message.
        std::string what = e.what();
        what = what.substr(0, what.find('\n'));
        return reportFailure(err, ExitInternal, "internal error: " + what);
    } catch (...) {
        return reportFailure(err, ExitInternal, "internal error: unknown exception");
    }
}

std::string modelName(const std::string &dir)
{
    // Absolute and normalised, so "." and "models/demo/" give the folder's own name.
    std::error_code ec;
    fs::path p = fs::absolute(dir, ec).lexically_normal();
    if (!p.has_filename())
        p = p.parent_path();
    return p.filename().string();
}

} // namespace dlm
