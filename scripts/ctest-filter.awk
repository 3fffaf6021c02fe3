# Reads `ctest --verbose` and prints what a person wants to see: ctest's own progress and
# summary, the "[counts]" lines that conformance tests print (under the test that printed
# them), and the whole output of any test that did not pass.
/^[0-9]+: / {
    n = $1; sub(/:$/, "", n)
    line = $0; sub(/^[0-9]+: /, "", line)
    output[n] = output[n] "    " line "\n"
    if (line ~ /^\[counts\]/) counts[n] = counts[n] "    " line "\n"
    next
}
/Test +#[0-9]+: / {
    match($0, /#[0-9]+/); n = substr($0, RSTART + 1, RLENGTH - 1)
    print
    if ($0 ~ / Passed /) printf "%s", counts[n]
    else printf "%s", output[n]
    delete output[n]; delete counts[n]
    fflush()
    next
}
/^(Internal ctest changing|UpdateCTestConfiguration|Parse Config file|Constructing a list|Updating test list|Added [0-9]+ tests|Checking test dependency|Done constructing|Test project|test [0-9]+$|[ ]+Start +[0-9]+: )/ { next }
/^$/ { next }
/^[0-9]+% tests passed/ { print "" }
{ print; fflush() }
