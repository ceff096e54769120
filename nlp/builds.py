"""The names of the build records that sit beside the offline models.

``sensing models build`` (:mod:`lab.train`) writes them; the sentiment step and the shared
encoder pass read them at run time to tell which weights a model was built from. The names
live here, in the runtime package, so that reading a model never imports the code that
builds one.
"""

MODEL_RECORD = "sensing_model.json"
"""The build record beside the sentiment model (spec, data and encoder hashes, metrics): how
the build knows a model is current, and how readers tell builds and their encoder apart."""
ENCODER_RECORD = "e5_build.json"
"""The record beside the converted encoder: the weights it was converted from, by sha256."""
