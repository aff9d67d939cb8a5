// The build recipe of a project's task image: a Dockerfile (with its .dockerignore) that starts
// from tandem's own image (Node.js 20 and the tandem CLI, which the hybrid steps run), installs the
// npm packages the task modules import with tsx, copies each workflow folder to its place in the
// layout (layout.ts) and the KFP pipelines the hybrid steps start to layout.pipelinesDir. The
// manifests compiled beside it name this image for every task without an image of its own, so
// what the manifests expect at /workspace is what the image holds. The folders' common ancestor is
// the build context; the recipe folder is a second, named context ("recipe").
import { relative, sep } from 'node:path';
import { containerDir, type ProjectLayout } from './layout.js';
import { imageDependencies } from './image-dependencies.js';
import type { CompiledFile } from './targets.js';

interface RecipeFile {
  /** Relative to the recipe folder. */
  path: string;
  content: string;
}

export interface ImageRecipe {
  files: RecipeFile[];
  /** How to build it, for the report. */
  buildCommand: string;
  /** Imported packages no package.json declares (installed at their latest). */
  undeclared: string[];
}

export function imageRecipe(layout: ProjectLayout, compiled: readonly CompiledFile[], images: { tandem: string; tasks: string }, recipeDir: string): ImageRecipe {
  const { dependencies, undeclared, type } = imageDependencies(layout.folders, layout.hostRoot);
  const pipelines = compiled.filter((file) => file.startedFromImage === true);
  const buildCommand = `docker build -t ${images.tasks} -f ${recipeDir}/Dockerfile --build-context recipe=${recipeDir} ${layout.hostRoot}`;
  // A folder inside another listed one arrives with it.
  const outermost = layout.folders.filter((folder) => !layout.folders.some((other) => other !== folder && folder.startsWith(`${other}${sep}`)));
  const copies = outermost.map((folder) => {
    const from = relative(layout.hostRoot, folder).split(sep).join('/');
    return `COPY --chown=node:node ${from === '' ? '.' : `${from}/`} ${containerDir(layout, folder)}/`;
  });
  const dockerfile = [
    '# syntax=docker/dockerfile:1',
    `# The task image ${images.tasks}, written by \`tandem compile --image-recipe\`. Build it with`,
    `#   ${buildCommand}`,
    '# The compiled manifests name it for every task without an image of its own.',
    `FROM ${images.tandem}`,
    'USER root',
    `WORKDIR ${layout.containerRoot}`,
    '# The packages the task modules import, and tsx for .ts modules (node --import tsx).',
    'COPY --from=recipe package.json ./',
    'RUN npm install --omit=dev --no-audit --no-fund && chown -R node:node .',
    '# Each workflow folder at its place in the layout.',
    ...copies,
    ...(pipelines.length > 0 ? ['# The KFP pipelines the hybrid steps start (tandem kfp run --pipeline ...).', `COPY --from=recipe --chown=node:node pipelines/ ${layout.pipelinesDir}/`] : []),
    'USER node',
    '',
  ].join('\n');
  const ignore = ['# Sent to the build from the folders below: never their installed packages or run data.', '**/node_modules', '**/.tandem', '**/.git', ''].join('\n');
  const manifest = { name: 'tandem-task-image', private: true, description: `Packages the task modules of ${images.tasks} import.`, type, dependencies };
  return {
    files: [
      { path: 'Dockerfile', content: dockerfile },
      { path: 'Dockerfile.dockerignore', content: ignore },
      { path: 'package.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
      ...pipelines.map((file) => ({ path: `pipelines/${file.name}`, content: file.yaml })),
    ],
    buildCommand,
    undeclared,
  };
}
