// Placeholder so the infrastructure can bundle and wire this function; its issue replaces it with the real handler.
export const handler = async (): Promise<never> => {
  throw new Error('dunning-dispatch: not wired yet');
};
