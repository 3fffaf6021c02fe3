#include "chain/block_file.hpp"

namespace qtm::chain {

void write_block_frame(std::ostream& out, const Block& block) {
    const Bytes encoded = encode_block(block);
    out.write(reinterpret_cast<const char*>(encoded.data()),
              static_cast<std::streamsize>(encoded.size()));
}

Result<std::optional<Block>, std::string> BlockFileReader::next() {
    const std::uint64_t start = offset_;
    const auto at = [start](const std::string& what) {
        return unexpected("at byte " + std::to_string(start) + ": " + what);
    };
    const int first = in_.get();
    if (first == std::char_traits<char>::eof()) return std::optional<Block>{};
    Bytes frame{static_cast<std::uint8_t>(first)};
    std::uint64_t payload = 0;
    if (first >= 0xf8) {
        const int length_bytes = first - 0xf7;
        for (int i = 0; i < length_bytes; ++i) {
            const int byte = in_.get();
            if (byte == std::char_traits<char>::eof()) return at("the file ends inside a frame");
            frame.push_back(static_cast<std::uint8_t>(byte));
            if (payload > (kMaxBlockFrameBytes >> 8)) return at("a frame larger than 256 MiB");
            payload = (payload << 8) | static_cast<std::uint64_t>(byte);
        }
    } else if (first >= 0xc0) {
        payload = static_cast<std::uint64_t>(first - 0xc0);
    } else {
        return at("not an RLP list (a block frame begins with 0xc0-0xff)");
    }
    if (payload > kMaxBlockFrameBytes) return at("a frame larger than 256 MiB");
    const std::size_t header = frame.size();
    frame.resize(header + payload);
    in_.read(reinterpret_cast<char*>(frame.data() + header), static_cast<std::streamsize>(payload));
    if (static_cast<std::uint64_t>(in_.gcount()) != payload) {
        return at("the file ends inside a frame");
    }
    offset_ += frame.size();
    auto block = decode_block(frame);
    if (!block) return at("the block does not decode: " + std::string{to_string(block.error())});
    return std::optional<Block>{std::move(*block)};
}

}  // namespace qtm::chain
