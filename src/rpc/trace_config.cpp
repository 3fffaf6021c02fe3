#include "rpc/trace_config.hpp"

#include "rpc/params.hpp"
#include "rpc/trace_four_byte.hpp"

namespace qtm::rpc {

namespace {

const Json* member(const Json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

bool flag(const Json& object, const char* name, int argument) {
    const Json* value = member(object, name);
    if (value == nullptr) return false;
    if (!value->is_boolean()) {
        throw RpcError{code::kInvalidParams, "invalid argument " + std::to_string(argument) + ": " +
                                                 name + " must be a boolean"};
    }
    return value->get<bool>();
}

class StructLogTrace final : public TxTrace {
public:
    explicit StructLogTrace(const StructLoggerOptions& options) : logger_{options} {}
    evm::Tracer& tracer() override { return logger_; }
    Json result(const TracedRun& run) const override {
        if (logger_.too_large()) {
            throw RpcError{code::kServer, "trace result too large: the struct logs passed " +
                                              std::to_string(kMaxMegabytes) +
                                              " MB (use \"limit\", or disable the stack)"};
        }
        return logger_.result(run.gas_used, run.status, run.output);
    }
    static constexpr std::size_t kMaxMegabytes = StructLoggerOptions{}.max_bytes >> 20;

private:
    StructLogger logger_;
};

class CallTrace final : public TxTrace {
public:
    explicit CallTrace(const CallTracerOptions& options) : tracer_{options} {}
    evm::Tracer& tracer() override { return tracer_; }
    Json result(const TracedRun& run) const override {
        return tracer_.result(run.gas_limit, run.gas_used);
    }

private:
    CallTracer tracer_;
};

class PrestateTrace final : public TxTrace {
public:
    explicit PrestateTrace(const PrestateOptions& options) : tracer_{options} {}
    evm::Tracer& tracer() override { return tracer_; }
    void begin(state::WorldState& world, const Address& from, const std::optional<Address>& to,
               const Address& coinbase) override {
        tracer_.begin(world, from, to, coinbase);
    }
    void end() override { tracer_.end(); }
    Json result(const TracedRun&) const override { return tracer_.result(); }

private:
    PrestateTracer tracer_;
};

class FourByteTrace final : public TxTrace {
public:
    evm::Tracer& tracer() override { return tracer_; }
    Json result(const TracedRun&) const override { return tracer_.result(); }

private:
    FourByteTracer tracer_;
};

}  // namespace

TraceConfig parse_trace_config(const Json* options, int argument) {
    TraceConfig config;
    if (options == nullptr || options->is_null()) return config;
    const std::string where = "invalid argument " + std::to_string(argument) + ": ";
    if (!options->is_object()) {
        throw RpcError{code::kInvalidParams, where + "trace options must be an object"};
    }
    if (const Json* tracer = member(*options, "tracer")) {
        if (!tracer->is_string()) {
            throw RpcError{code::kInvalidParams, where + "tracer must be a string"};
        }
        config.tracer = tracer->get<std::string>();
        if (config.tracer != "callTracer" && config.tracer != "prestateTracer" &&
            config.tracer != "4byteTracer") {
            throw RpcError{code::kServer,
                           "tracer not found: \"" + config.tracer +
                               "\" (QTM has the struct logger (no tracer), callTracer, "
                               "prestateTracer and 4byteTracer; no JavaScript tracers)"};
        }
    }
    config.logger.disable_stack = flag(*options, "disableStack", argument);
    config.logger.disable_storage = flag(*options, "disableStorage", argument);
    config.logger.enable_memory = flag(*options, "enableMemory", argument);
    config.logger.enable_return_data = flag(*options, "enableReturnData", argument);
    if (const Json* limit = member(*options, "limit")) {
        if (!limit->is_number_unsigned()) {
            throw RpcError{code::kInvalidParams, where + "limit must be a non-negative number"};
        }
        config.logger.limit = limit->get<std::size_t>();
    }
    if (const Json* timeout = member(*options, "timeout")) {
        const auto parsed =
            timeout->is_string() ? parse_go_duration(timeout->get<std::string>()) : std::nullopt;
        if (!parsed) {
            throw RpcError{code::kInvalidParams,
                           where + "timeout must be a duration such as \"5s\" or \"300ms\""};
        }
        config.timeout = *parsed;
    }
    if (const Json* tracer_config = member(*options, "tracerConfig")) {
        if (!tracer_config->is_object()) {
            throw RpcError{code::kInvalidParams, where + "tracerConfig must be an object"};
        }
        if (config.tracer == "callTracer") {
            config.call.only_top_call = flag(*tracer_config, "onlyTopCall", argument);
            config.call.with_log = flag(*tracer_config, "withLog", argument);
        } else if (config.tracer == "prestateTracer") {
            config.prestate.diff_mode = flag(*tracer_config, "diffMode", argument);
            config.prestate.disable_code = flag(*tracer_config, "disableCode", argument);
            config.prestate.disable_storage = flag(*tracer_config, "disableStorage", argument);
        }
    }
    config.state_overrides = member(*options, "stateOverrides");
    config.block_overrides = member(*options, "blockOverrides");
    return config;
}

std::unique_ptr<TxTrace> make_trace(const TraceConfig& config) {
    if (config.tracer == "callTracer") return std::make_unique<CallTrace>(config.call);
    if (config.tracer == "prestateTracer") return std::make_unique<PrestateTrace>(config.prestate);
    if (config.tracer == "4byteTracer") return std::make_unique<FourByteTrace>();
    return std::make_unique<StructLogTrace>(config.logger);
}

}  // namespace qtm::rpc
