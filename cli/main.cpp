// qdyn: the command-line front end.
#include <iostream>

#include "app.hpp"

int main(int argc, char** argv) { return qdyn::cli::runCli(argc, argv, std::cout, std::cerr); }
