// node.toml: the keys are qtmd's long option names, each at the top level; a value goes
// through the same conversion and checks as the flag (CLI11's), so the file can set nothing
// the command line could not. Errors name the file, the line and the key.
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "qtmd/options.hpp"

namespace qtm::qtmd {

namespace {

std::string kind_text(ValueKind kind) {
    switch (kind) {
        case ValueKind::kFlag:
            return "true or false";
        case ValueKind::kInteger:
            return "an integer";
        case ValueKind::kNumber:
            return "a number";
        case ValueKind::kString:
        case ValueKind::kPath:
            return "a string";
        case ValueKind::kList:
        case ValueKind::kPathList:
            return "an array of strings";
    }
    return "a value";
}

std::string type_text(const toml::node& node) {
    std::ostringstream out;
    out << node.type();
    return out.str();
}

std::string number_text(double value) {
    char buffer[64];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string{buffer, written.ptr};
}

std::string resolved(const std::string& value, const std::filesystem::path& base) {
    const std::filesystem::path path{value};
    if (value.empty() || path.is_absolute() || base.empty()) return value;
    return (base / path).lexically_normal().string();
}

// The node's value as the strings the command line would have given; nullopt: wrong type.
std::optional<std::vector<std::string>> values_of(const toml::node& node, ValueKind kind,
                                                  const std::filesystem::path& base) {
    switch (kind) {
        case ValueKind::kFlag:
            if (const auto* flag = node.as_boolean()) return {{flag->get() ? "true" : "false"}};
            return std::nullopt;
        case ValueKind::kInteger:
            if (const auto* integer = node.as_integer()) {
                return {{std::to_string(integer->get())}};
            }
            return std::nullopt;
        case ValueKind::kNumber:
            if (const auto* integer = node.as_integer()) {
                return {{std::to_string(integer->get())}};
            }
            if (const auto* number = node.as_floating_point()) {
                return {{number_text(number->get())}};
            }
            return std::nullopt;
        case ValueKind::kString:
        case ValueKind::kPath:
            if (const auto* text = node.as_string()) {
                return {{kind == ValueKind::kPath ? resolved(text->get(), base) : text->get()}};
            }
            return std::nullopt;
        case ValueKind::kList:
        case ValueKind::kPathList: {
            const auto* array = node.as_array();
            if (array == nullptr) return std::nullopt;
            std::vector<std::string> items;
            for (const auto& element : *array) {
                const auto* text = element.as_string();
                if (text == nullptr) return std::nullopt;
                items.push_back(kind == ValueKind::kPathList ? resolved(text->get(), base)
                                                             : text->get());
            }
            return items;
        }
    }
    return std::nullopt;
}

Unexpected<ConfigFileError> failure(const std::filesystem::path& file, std::uint32_t line,
                                    const std::string& problem) {
    return unexpected(ConfigFileError{file.string() + ":" + std::to_string(line) + ": " + problem});
}

}  // namespace

Result<void, ConfigFileError> apply_config_text(CLI::App& app, const std::vector<OptionInfo>& table,
                                                std::string_view text,
                                                const std::filesystem::path& file) {
    toml::table root;
    try {
        root = toml::parse(text, file.string());
    } catch (const toml::parse_error& error) {
        return failure(file, error.source().begin.line,
                       "not valid TOML: " + std::string{error.description()});
    }
    const std::filesystem::path base = file.parent_path();
    for (const auto& [key, node] : root) {
        const std::string name{key.str()};
        const std::uint32_t line = key.source().begin.line;
        const auto row = std::find_if(table.begin(), table.end(), [&name](const OptionInfo& info) {
            return info.name == name;
        });
        if (node.is_table()) {
            return failure(
                file, line,
                "table '" + name + "': node.toml has no tables; write every key at the top level");
        }
        if (row == table.end() || name == "config") {
            return failure(file, line,
                           "unknown key '" + name +
                               "' (the keys are qtmd's long option names without '--'; "
                               "see qtmd --help)");
        }
        auto values = values_of(node, row->kind, base);
        if (!values) {
            return failure(file, line,
                           "key '" + name + "': must be " + kind_text(row->kind) + " (got " +
                               type_text(node) + ")");
        }
        CLI::Option* option = app.get_option_no_throw("--" + name);
        if (option == nullptr) {
            return failure(file, line, "key '" + name + "': not an option of this build");
        }
        if (option->count() > 0) continue;  // given on the command line: the flag wins
        if (values->empty()) {
            // [] is the default of a list whose default is none; other lists are not emptied.
            if (row->default_text == "none") continue;
            return failure(
                file, line,
                "key '" + name + "': must not be empty (default: " + row->default_text + ")");
        }
        try {
            option->add_result(std::move(*values));
            option->run_callback();
        } catch (const CLI::Error& error) {
            return failure(file, line, "key '" + name + "': " + error.what());
        }
    }
    return {};
}

Result<void, ConfigFileError> apply_config_file(CLI::App& app, const std::vector<OptionInfo>& table,
                                                const std::filesystem::path& file) {
    std::ifstream in{file, std::ios::binary};
    if (!in) return unexpected(ConfigFileError{"cannot read the config file " + file.string()});
    std::ostringstream text;
    text << in.rdbuf();
    return apply_config_text(app, table, text.str(), file);
}

}  // namespace qtm::qtmd
