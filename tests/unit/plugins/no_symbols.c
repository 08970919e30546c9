/* A shared object that is no kcon plugin. */
int no_symbols_here(void);

int no_symbols_here(void)
{
	return 42;
}
