#include "rpc/observer.hpp"

#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

RpcOutcome outcome_of_code(int error_code) noexcept {
    switch (error_code) {
        case 0:
            return RpcOutcome::kOk;
        case code::kParseError:
            return RpcOutcome::kParseError;
        case code::kInvalidRequest:
            return RpcOutcome::kInvalidRequest;
        case code::kMethodNotFound:
            return RpcOutcome::kMethodNotFound;
        case code::kInvalidParams:
            return RpcOutcome::kInvalidParams;
        case code::kServer:
            return RpcOutcome::kServerError;
        case code::kLimitExceeded:
            return RpcOutcome::kLimitExceeded;
        case code::kReverted:
            return RpcOutcome::kReverted;
        case code::kInternal:
            return RpcOutcome::kInternalError;
        default:
            return RpcOutcome::kOtherError;
    }
}

std::string_view to_string(RpcOutcome outcome) noexcept {
    switch (outcome) {
        case RpcOutcome::kOk:
            return "ok";
        case RpcOutcome::kParseError:
            return "parse_error";
        case RpcOutcome::kInvalidRequest:
            return "invalid_request";
        case RpcOutcome::kMethodNotFound:
            return "method_not_found";
        case RpcOutcome::kInvalidParams:
            return "invalid_params";
        case RpcOutcome::kServerError:
            return "server_error";
        case RpcOutcome::kLimitExceeded:
            return "limit_exceeded";
        case RpcOutcome::kReverted:
            return "reverted";
        case RpcOutcome::kInternalError:
            return "internal_error";
        case RpcOutcome::kOtherError:
            return "other_error";
    }
    return "other_error";
}

}  // namespace qtm::rpc
