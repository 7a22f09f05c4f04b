#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    /* libm: linked with LDLIBS, statically too */
    printf("hello from ldflags %.0f\n", sqrt(16.0 * argc));
    return 0;
}
