/** The folder above the script's folder (scripts/ → the checkout), as a path of `platform`. */
export function checkoutRoot(scriptUrl: string, platform?: NodeJS.Platform): string;
