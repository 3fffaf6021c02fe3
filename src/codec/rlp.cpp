// RLP: being written (see src/codec/README.md).
