use clap::Parser;

fn main() -> std::process::ExitCode {
    deploy::run(deploy::cli::Cli::parse()).into()
}
