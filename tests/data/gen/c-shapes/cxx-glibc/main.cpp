#include <iostream>
#include <string>

int main()
{
    std::string who = "cxx-glibc";
    std::cout << "hello from " << who << std::endl;
    return 0;
}
