fn main() -> std::process::ExitCode {
    deploy::main().into()
}
