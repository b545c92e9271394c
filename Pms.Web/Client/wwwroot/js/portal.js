// The portal's only script: saving text (a PEM the app already holds) as a file, and the language choice.
window.pmsPortal = {
    saveFile(fileName, content, mimeType) {
        const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
        const link = document.createElement("a");
        link.href = url;
        link.download = fileName;
        link.hidden = true;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 30000);
    },

    // The language: chosen in the app (Localization/PortalCultures.cs); this only reads and keeps it.
    culture: {
        key: "pms.culture",
        stored() {
            try {
                return localStorage.getItem(this.key);
            } catch {
                return null; // storage disabled: the browser's language decides
            }
        },
        browser() {
            return navigator.languages && navigator.languages.length ? Array.from(navigator.languages) : [navigator.language];
        },
        apply(name, dir) {
            document.documentElement.lang = name;
            document.documentElement.dir = dir;
        },
        // Remembers the choice and starts the app again in it (satellite assemblies and culture data load at start).
        choose(name) {
            try {
                localStorage.setItem(this.key, name);
            } catch {
                return false; // storage disabled: a reload would come back in the browser's language
            }
            location.reload();
            return true;
        }
    }
};
