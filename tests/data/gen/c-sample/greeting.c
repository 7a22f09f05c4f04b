/* greeting.c - c-sample: the text main.c prints. */
const char *greeting(void);

const char *greeting(void)
{
    return "hello from the c sample";
}
